package letter

import "strings"

// Configuración's sections where a letter's settings are filled in.
const (
	SectionCommunity = "Comunidad"
	SectionLetter    = "Carta de bienvenida"
)

// Setting is one of the settings a letter prints (through a merge field or
// its signature) and where the administrator fills it in: a section of
// Configuración in the window, a key of «comunidad config set».
type Setting struct {
	Field   string // the merge field without braces
	Label   string // what it is, in Spanish
	Key     string // comunidad config set KEY VALOR
	Section string // SectionCommunity or SectionLetter
}

// letterSettings are the settings the merge fields read, in the order a
// message names them.
var letterSettings = []Setting{
	{"direccion_comunidad", "Dirección de la comunidad", "community.address", SectionCommunity},
	{"administrador", "Nombre del administrador", KeyAdminName, SectionLetter},
	{"correo_administrador", "Correo del administrador", KeyAdminEmail, SectionLetter},
	{"telefono_administrador", "Teléfono del administrador", KeyAdminPhone, SectionLetter},
	{"portal", "Portal de residentes", KeyPortal, SectionLetter},
}

// Holes lists the settings that would print empty in letters made from
// the compiled templates with the fields f (the community's settings are
// the same in every letter): a merge field the templates use whose value is
// blank, and the administrator's name when the signature would be empty.
func Holes(f Fields, templates ...*Compiled) []Setting {
	used := map[string]bool{}
	for _, c := range templates {
		if c == nil {
			continue
		}
		for _, name := range c.Uses() {
			used[name] = true
		}
	}
	if strings.TrimSpace(f[signatureKey]) == "" {
		used["administrador"] = true // the signature names the administrator
	}
	var out []Setting
	for _, s := range letterSettings {
		if used[s.Field] && strings.TrimSpace(f[s.Field]) == "" {
			out = append(out, s)
		}
	}
	return out
}

// MissingError refuses letters that would print with holes ("ubicada en
// . ", "a cargo de . ", an empty signature): it names what to fill in.
type MissingError struct{ Missing []Setting }

func (e *MissingError) Error() string {
	labels := make([]string, len(e.Missing))
	sets := make([]string, len(e.Missing))
	for i, s := range e.Missing {
		labels[i] = s.Label
		sets[i] = "comunidad config set " + s.Key + " VALOR"
	}
	return "faltan datos que la carta imprime: " + strings.Join(labels, ", ") +
		"; complételos en Configuración o con: " + strings.Join(sets, "; ")
}

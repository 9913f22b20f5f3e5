package kastor

import (
	"fmt"
	"strings"

	"comunidad/data"
)

// Layout is how an export is organised.
type Layout int

const (
	// PerUnit is Kastor's users report: one row per inmueble, with the debt
	// responsible's and up to five more users' Nombre/Correo pairs.
	PerUnit Layout = iota + 1
	// PerPerson is Kastor's community set-up sheet: one row per person,
	// consecutive rows for an inmueble with several people or units.
	PerPerson
)

func (l Layout) String() string {
	switch l {
	case PerUnit:
		return "una fila por inmueble"
	case PerPerson:
		return "una fila por persona"
	}
	return "desconocido"
}

// field is a column the import understands.
type field int

const (
	fNone field = iota
	fCode
	fUnit // "Unidad": the code when there is no "Código", else a unit's label
	fUnitName
	fAssigned
	fSector
	fFloor
	fFactor
	fRUT
	fFirst // Nombres
	fFull  // Nombre (a whole name)
	fPaterno
	fMaterno
	fLast // Apellidos
	fEmail
	fPhone
	fType
	fResp
	nFields
)

// aliases maps a normalised header (see normHeader) to its field.
var aliases = map[string]field{
	"codigo": fCode, "cod": fCode, "codigoinmueble": fCode, "codigounidad": fCode, "codinmueble": fCode, "codunidad": fCode,
	"unidad": fUnit, "inmueble": fUnit, "depto": fUnit, "departamento": fUnit, "numerounidad": fUnit,
	"nombreinmueble": fUnitName, "nombreunidad": fUnitName,
	"unidadesasignadas": fAssigned, "unidadasignada": fAssigned, "unidades": fAssigned,
	"sector": fSector, "sectores": fSector, "torre": fSector, "torres": fSector, "edificio": fSector, "block": fSector,
	"piso":   fFloor,
	"factor": fFactor, "prorrateo": fFactor, "factorprorrateo": fFactor, "factordeprorrateo": fFactor, "alicuota": fFactor,
	"rut": fRUT, "run": fRUT, "rutrun": fRUT,
	"nombres": fFirst,
	"nombre":  fFull, "nombrecompleto": fFull,
	"apellidopaterno": fPaterno, "paterno": fPaterno, "primerapellido": fPaterno,
	"apellidomaterno": fMaterno, "materno": fMaterno, "segundoapellido": fMaterno,
	"apellidos": fLast, "apellido": fLast,
	"correo": fEmail, "correoelectronico": fEmail, "email": fEmail, "mail": fEmail,
	"telefono": fPhone, "fono": fPhone, "celular": fPhone, "movil": fPhone, "telefonomovil": fPhone,
	"tipo": fType, "tipousuario": fType, "tipodeusuario": fType, "relacion": fType, "calidad": fType,
	"responsable": fResp, "responsabledeuda": fResp, "responsablepago": fResp, "principal": fResp, "cuentaprincipal": fResp,
}

// Fields only the one-row-per-person sheet has.
var perPersonOnly = []field{fFirst, fPaterno, fMaterno, fLast, fRUT, fType, fResp, fPhone, fFloor}

// normHeader folds case and accents and drops everything but letters and
// digits: "Sector(es)" is "sectores", "Apellido  Paterno" "apellidopaterno",
// "E-mail" "email".
func normHeader(s string) string {
	s = data.Fold(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isNameHeader(h string) bool {
	return strings.HasPrefix(h, "nombre") && aliases[h] != fUnitName && h != "nombres"
}
func isEmailHeader(h string) bool {
	return strings.HasPrefix(h, "correo") || strings.HasPrefix(h, "email") || strings.HasPrefix(h, "mail")
}

// headerScore counts the cells of a row that name a known column.
func headerScore(cells []string) (score int, hasCode bool) {
	for _, c := range cells {
		h := normHeader(c)
		if h == "" {
			continue
		}
		f := aliases[h]
		if f == fCode || f == fUnit {
			hasCode = true
		}
		if f != fNone || isNameHeader(h) || isEmailHeader(h) {
			score++
		}
	}
	return score, hasCode
}

// slot is one user's Nombre/Correo columns in the per-inmueble layout.
type slot struct{ name, email int }

// columns is a header row understood: where each field is.
type columns struct {
	layout Layout
	col    [nFields]int // -1 when absent
	slots  []slot       // PerUnit only; slots[0] is the debt responsible
	found  []string     // the header row's non-empty cells, for messages
	names  []string     // each column's header, trimmed, for row problems
}

// width is how many columns the header row spans: cells to its right
// belong to no column.
func (c *columns) width() int { return len(c.names) }

// MissingColumnError stops an import before anything is written: the file
// lacks a column it needs.
type MissingColumnError struct {
	Missing []string // as the user would write them: "Código", "Correo"
	Found   []string // the headers of the row taken as the header row
}

func (e *MissingColumnError) Error() string {
	q := func(s []string) string {
		out := make([]string, len(s))
		for i, x := range s {
			out[i] = "«" + x + "»"
		}
		return strings.Join(out, ", ")
	}
	col := "falta la columna"
	if len(e.Missing) > 1 {
		col = "faltan las columnas"
	}
	if len(e.Found) == 0 {
		return fmt.Sprintf("%s %s: no se encontró una fila de encabezados en las primeras filas", col, q(e.Missing))
	}
	return fmt.Sprintf("%s %s (columnas encontradas: %s)", col, q(e.Missing), q(e.Found))
}

// parseHeader maps a header row, or says which required column it lacks.
func parseHeader(cells []string) (*columns, error) {
	c := &columns{}
	for i := range c.col {
		c.col[i] = -1
	}
	norm := make([]string, len(cells))
	c.names = make([]string, len(cells))
	for i, x := range cells {
		norm[i] = normHeader(x)
		c.names[i] = strings.TrimSpace(x)
		if strings.TrimSpace(x) != "" {
			c.found = append(c.found, strings.TrimSpace(x))
		}
	}
	c.layout = PerUnit
	for _, h := range norm {
		for _, f := range perPersonOnly {
			if aliases[h] == f {
				c.layout = PerPerson
			}
		}
	}
	set := func(f field, i int) {
		if c.col[f] < 0 {
			c.col[f] = i
		}
	}
	if c.layout == PerPerson {
		for i, h := range norm {
			if f := aliases[h]; f != fNone {
				set(f, i)
			}
		}
		if c.col[fCode] < 0 && c.col[fUnit] >= 0 {
			c.col[fCode], c.col[fUnit] = c.col[fUnit], -1
		}
		var missing []string
		if c.col[fCode] < 0 {
			missing = append(missing, "Código")
		}
		if c.col[fFirst] < 0 && c.col[fFull] < 0 {
			missing = append(missing, "Nombres")
		}
		if c.col[fEmail] < 0 {
			missing = append(missing, "Correo")
		}
		if missing != nil {
			return nil, &MissingColumnError{Missing: missing, Found: c.found}
		}
		return c, nil
	}

	// One row per inmueble: Código, Nombre, Unidades asignadas, Sector(es),
	// Factor, then Nombre/Correo pairs. The first "Nombre" is the
	// inmueble's when there are more names than emails.
	names, emails := 0, 0
	for _, h := range norm {
		if isNameHeader(h) {
			names++
		} else if isEmailHeader(h) {
			emails++
		}
	}
	unitNameTaken := names <= emails
	for i, h := range norm {
		switch f := aliases[h]; {
		case f == fCode:
			set(fCode, i)
		case f == fUnit:
			if c.col[fCode] < 0 {
				set(fCode, i)
			} else {
				set(fUnitName, i)
			}
		case f == fUnitName:
			set(fUnitName, i)
		case f == fAssigned || f == fSector || f == fFactor:
			set(f, i)
		case isNameHeader(h):
			if !unitNameTaken {
				set(fUnitName, i)
				unitNameTaken = true
				continue
			}
			c.slots = append(c.slots, slot{name: i, email: -1})
		case isEmailHeader(h):
			if n := len(c.slots); n > 0 && c.slots[n-1].email < 0 {
				c.slots[n-1].email = i
			} else {
				c.slots = append(c.slots, slot{name: -1, email: i})
			}
		}
	}
	var missing []string
	if c.col[fCode] < 0 {
		missing = append(missing, "Código")
	}
	if emails == 0 {
		missing = append(missing, "Correo")
	}
	if missing != nil {
		return nil, &MissingColumnError{Missing: missing, Found: c.found}
	}
	return c, nil
}

// cell returns row[i] trimmed, or "" when the row is shorter.
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (c *columns) get(row []string, f field) string { return cell(row, c.col[f]) }

package letter

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"comunidad/data"
)

func TestCheckFindsProblemsAtTheirPlace(t *testing.T) {
	tests := []struct {
		name      string
		tpl       Template
		part      string
		line, col int
		want      string
	}{
		{"unknown field", Template{"Hola", "Estimado {nombre}:\n\nSu unidad es {unidadd}."}, PartBody, 3, 14, "campo desconocido {unidadd} (¿quiso decir {unidad}?)"},
		{"accented field", Template{"Hola", "{dirección_comunidad}"}, PartBody, 1, 1, "¿quiso decir {direccion_comunidad}?"},
		{"unclosed brace", Template{"Hola", "Linea uno\n  Hola {nombre y nada más"}, PartBody, 2, 8, "llave «{» sin cerrar"},
		{"brace inside brace", Template{"Hola", "Hola {nombre {apellidos}"}, PartBody, 1, 6, "llave «{» sin cerrar"},
		{"stray closing brace", Template{"Hola", "ab}c"}, PartBody, 1, 3, "llave «}» sin su «{»"},
		{"unknown field in title", Template{"Bienvenida a {comuna}", "Texto"}, PartTitle, 1, 14, "campo desconocido {comuna}"},
		{"in a bullet", Template{"T", "Datos:\n\n- Usuario: {login}"}, PartBody, 3, 12, "campo desconocido {login}"},
		{"signature is no field", Template{"T", "{firma}"}, PartBody, 1, 1, "campo desconocido {firma}"},
		{"empty title", Template{"  ", "Texto"}, PartTitle, 1, 1, "falta el título"},
		{"empty body", Template{"T", " \n "}, PartBody, 1, 1, "la carta no tiene texto"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := Check(tt.tpl)
			if len(probs) == 0 {
				t.Fatal("no problem found")
			}
			p := probs[0]
			if p.Part != tt.part || p.Line != tt.line || p.Col != tt.col || !strings.Contains(p.Msg, tt.want) {
				t.Fatalf("got %+v, want %s %d:%d %q", p, tt.part, tt.line, tt.col, tt.want)
			}
			if _, err := Merge(tt.tpl, Fields{}); err == nil {
				t.Fatal("Merge accepted a broken template")
			}
		})
	}
}

func TestSuggestedLettersAreValid(t *testing.T) {
	s := Suggested()
	if len(s) < 2 || s[0].Name != "Bienvenida nuevo residente" || s[1].Name != "Cambio de administración" {
		t.Fatalf("suggested letters: %+v", s)
	}
	for _, n := range s {
		if probs := Check(n.Template); len(probs) > 0 {
			t.Errorf("%s: %v", n.Name, probs)
		}
	}
	// The welcome letter speaks of the portal and the user's login.
	for _, f := range []string{"{portal}", "{usuario}", "{administrador}", "{correo_administrador}", "{telefono_administrador}"} {
		if !strings.Contains(s[0].Body, f) {
			t.Errorf("the welcome letter lacks %s", f)
		}
	}
	if SuggestedFor("cambio de administracion").Title != s[1].Title || SuggestedFor("Mi carta").Title != s[0].Title {
		t.Fatal("SuggestedFor picks the wrong letter")
	}
}

func TestMergeBuildsTheDocument(t *testing.T) {
	tpl := Template{
		Title: "Bienvenida a {comunidad}",
		Body: "Estimado(a) **{nombre_completo}**:\n" +
			"segunda línea con *cursiva* y {{llaves}}\n\n" +
			"- Usuario: **{usuario}**\n" +
			"- Portal: {portal}\n" +
			"  continúa el punto\n\n" +
			"Un * suelto y 3 ** sueltos.",
	}
	f := Fields{"comunidad": "Edificio Los Álamos", "nombre_completo": "Ana <b>Pérez</b> **x**",
		"usuario": "ana@ejemplo.cl", "portal": "https://portal.cl", "fecha": "27 de noviembre de 2026"}
	d, err := Merge(tpl, f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Bienvenida a Edificio Los Álamos" || d.Date != "27 de noviembre de 2026" {
		t.Fatalf("title/date: %q %q", d.Title, d.Date)
	}
	if len(d.Blocks) != 4 {
		t.Fatalf("blocks: %+v", d.Blocks)
	}
	p := d.Blocks[0]
	if p.Kind != Paragraph || len(p.Lines) != 2 {
		t.Fatalf("first paragraph: %+v", p)
	}
	if got := p.Lines[0]; len(got) != 3 || got[1] != (Span{"Ana <b>Pérez</b> **x**", Bold}) {
		t.Fatalf("the name is not bold or was read as markup: %+v", got)
	}
	if got := LineText(p.Lines[1]); got != "segunda línea con cursiva y {llaves}" {
		t.Fatalf("second line: %q", got)
	}
	if p.Lines[1][1] != (Span{"cursiva", Italic}) {
		t.Fatalf("italic: %+v", p.Lines[1])
	}
	if d.Blocks[1].Kind != Bullet || d.Blocks[2].Kind != Bullet || len(d.Blocks[2].Lines) != 2 {
		t.Fatalf("bullets: %+v %+v", d.Blocks[1], d.Blocks[2])
	}
	if got := LineText(d.Blocks[3].Lines[0]); got != "Un * suelto y 3 ** sueltos." {
		t.Fatalf("lone markers: %q", got)
	}

	h := d.HTML()
	for _, want := range []string{"<strong>Ana &lt;b&gt;Pérez&lt;/b&gt; **x**</strong>", "<em>cursiva</em>", "<ul>\n<li>Usuario: <strong>ana@ejemplo.cl</strong></li>", "</ul>", "<h2>Bienvenida a Edificio Los Álamos</h2>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<b>") {
		t.Error("data injected markup into the HTML")
	}
	txt := d.Text()
	for _, want := range []string{"27 de noviembre de 2026\n\nBienvenida a Edificio Los Álamos\n\n", "- Usuario: ana@ejemplo.cl\n- Portal: https://portal.cl\n  continúa el punto\n"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
}

func TestFieldsFor(t *testing.T) {
	row := data.UserRow{Community: "X", UnitCode: "A-101", UnitName: "", Assigned: "", FirstNames: "Ana",
		LastNames: "Pérez\nSoto", Email: ""}
	s := Settings{CommunityName: "Edificio Ñandú", AdminName: "Juan", SignatureLine: "Administración"}
	f := FieldsFor(row, data.Community{Name: "Otro", Address: "Calle 1"}, s, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	want := map[string]string{"unidad": "A-101", "unidades_asignadas": "A-101", "comunidad": "Edificio Ñandú",
		"direccion_comunidad": "Calle 1", "usuario": NoLogin, "fecha": "27 de noviembre de 2026", "nombre_completo": "Ana Pérez\nSoto"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	for _, fl := range AllFields {
		if _, ok := f[fl.Name]; !ok {
			t.Errorf("FieldsFor leaves out {%s}", fl.Name)
		}
	}
	d, err := Merge(Template{"T", "{nombre_completo}"}, f)
	if err != nil {
		t.Fatal(err)
	}
	if got := LineText(d.Blocks[0].Lines[0]); got != "Ana Pérez Soto" {
		t.Fatalf("a newline in data reached the letter: %q", got)
	}
	if len(d.Signature) != 2 || d.Signature[0] != "Juan" || d.Signature[1] != "Administración" {
		t.Fatalf("signature: %q", d.Signature)
	}
	if SpanishDate(time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)) != "3 de enero de 2026" {
		t.Fatal("SpanishDate")
	}
}

func TestMergeAvoidsDoublePeriodsAndFindsMissingSettings(t *testing.T) {
	c, err := Compile(Template{"{comunidad}", "A cargo de **{administrador}**. Escriba a {correo_administrador}.\nFin {nombre}."})
	if err != nil {
		t.Fatal(err)
	}
	d := c.Merge(Fields{"administrador": "Adm. Pérez Ltda.", "nombre": "J.", "comunidad": "X"})
	if got := LineText(d.Blocks[0].Lines[0]); got != "A cargo de Adm. Pérez Ltda. Escriba a ." {
		t.Fatalf("line 1: %q", got)
	}
	if got := LineText(d.Blocks[0].Lines[1]); got != "Fin J." {
		t.Fatalf("line 2: %q", got)
	}
	if got := strings.Join(c.Uses(), ","); got != "comunidad,administrador,correo_administrador,nombre" {
		t.Fatalf("uses: %s", got)
	}
	miss := c.MissingSettings(Fields{"administrador": "Adm.", "comunidad": "X"})
	if len(miss) != 1 || miss[0].Name != "correo_administrador" {
		t.Fatalf("missing: %+v", miss)
	}
}

// The suggested letters do not give {comunidad} a gender: it may be "el
// Condominio", "el Edificio" or "la Comunidad" (the letter once said
// "Condominio … ubicada").
func TestSuggestedLettersNeutralAboutTheCommunity(t *testing.T) {
	gendered := regexp.MustCompile(`(?i)\{comunidad\}\**,?\s+(ubicad|situad|emplazad|localizad)[oa]s?\b|\b(el|la|al|del)\s+\**\{comunidad\}`)
	for _, s := range Suggested() {
		for _, part := range []string{s.Title, s.Body} {
			if m := gendered.FindString(part); m != "" {
				t.Errorf("%s: %q gives the community a gender", s.Name, m)
			}
		}
	}
}

// The suggested letters read right for each account case: the login only
// where the account exists or will, "ya está creada" only where it exists,
// and the reason where there is none.
func TestSuggestedLettersPerAccountCase(t *testing.T) {
	s := DefaultSettings()
	s.AdminName, s.AdminEmail, s.AdminPhone, s.PortalURL = "Adm. Ñuñoa", "adm@nunoa.cl", "+56 2 1111 2222", "https://portal.cl"
	row := data.UserRow{UnitCode: "101", UnitName: "Depto 101", FirstNames: "Ana", LastNames: "Pérez", Email: "ana@ejemplo.cl", PersonID: 7}
	c := data.Community{Name: "Edificio Los Álamos", Address: "Av. Uno 1"}
	for _, sug := range Suggested() {
		comp, err := Compile(sug.Template)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			pa        data.PersonAccount
			want, not []string
		}{
			{data.PersonAccount{Outlook: data.AccountExists, Login: "ana@ejemplo.cl", Status: "active"}, []string{"ana@ejemplo.cl"}, []string{"crearemos", "no tiene una cuenta"}},
			{data.PersonAccount{Outlook: data.AccountWillExist, Login: "ana@ejemplo.cl"}, []string{"crearemos su cuenta", "ana@ejemplo.cl"}, []string{"ya está creada", "no tiene una cuenta"}},
			{data.PersonAccount{Outlook: data.AccountWillNot, Login: "ana@ejemplo.cl", Reason: data.ReasonNotEligible},
				[]string{"no tiene una cuenta en el portal: las cuentas se crean para los propietarios y para la cuenta principal de cada unidad.", "adm@nunoa.cl"},
				[]string{"ana@ejemplo.cl", "Usuario:", "crearemos", "ya está creada"}},
			{data.PersonAccount{Outlook: data.AccountWillNot, Reason: data.ReasonNoEmail},
				[]string{"no tenemos registrado su correo electrónico."}, []string{NoLogin, "Usuario:"}},
		} {
			f := FieldsFor(row, c, s, novDate)
			f.SetAccount(tt.pa)
			text := strings.Join(strings.Fields(comp.Merge(f).Text()), " ")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s, %v: lacks %q:\n%s", sug.Name, AccountCase(tt.pa), w, text)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(text, w) {
					t.Errorf("%s, %v: says %q:\n%s", sug.Name, AccountCase(tt.pa), w, text)
				}
			}
		}
	}
}

func TestAccountSectionsProblems(t *testing.T) {
	for _, tt := range []struct {
		body string
		line int
		msg  string
	}{
		{"Hola\n{si_cuenta}\nUsuario: {usuario}\n", 2, "la sección {si_cuenta} no se cierra: termínela con {fin_si}"},
		{"{si_cuenta}\nA\n{si_sin_cuenta}\nB\n{fin_si}", 3, "la sección {si_cuenta} de la línea 1 sigue abierta: ciérrela con {fin_si} antes de abrir otra"},
		{"Hola\n{fin_si}", 2, "{fin_si} sin una sección abierta ({si_cuenta}, {si_cuenta_por_crear} o {si_sin_cuenta})"},
		{"Hola {si_cuenta} usted", 1, "{si_cuenta} va solo en su línea, antes (o después) de los párrafos de la sección"},
	} {
		probs := Check(Template{"T", tt.body})
		if len(probs) != 1 || probs[0].Line != tt.line || probs[0].Msg != tt.msg {
			t.Errorf("%q: %+v, want line %d %q", tt.body, probs, tt.line, tt.msg)
		}
	}
	// A section's paragraph and list stay apart from the text around them.
	d, err := Merge(Template{"T", "Antes\n{si_sin_cuenta}\nSin cuenta\n{fin_si}\nDespués"}, Fields{})
	if err != nil || len(d.Blocks) != 2 || d.Blocks[1].Lines[0][0].Text != "Después" {
		t.Fatalf("sections: %+v %v", d.Blocks, err)
	}
}

package letter_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"comunidad/app/letter"
	"comunidad/assets"
)

// TestLoginOutsideAnAccountSection: {usuario} where someone without an
// account would read it is refused in a welcome letter, at its line and
// column; inside {si_cuenta} or {si_cuenta_por_crear} it is fine; the
// new-user email (Check) is not concerned.
func TestLoginOutsideAnAccountSection(t *testing.T) {
	const msg = "{usuario} fuera de una sección {si_cuenta} o {si_cuenta_por_crear}: a quien no tiene cuenta la carta le diría «sin cuenta en el portal»; póngalo dentro de una de esas secciones"
	for _, tc := range []struct {
		name, title, body string
		part              string
		line, col         int
	}{
		{"in the text", "Bienvenida", "Hola {nombre}:\n\n- Usuario: **{usuario}**\n", letter.PartBody, 3, 14},
		{"in the title", "Cuenta {usuario}", "Hola.\n", letter.PartTitle, 1, 8},
		{"in the section for no account", "Bienvenida", "Hola.\n{si_sin_cuenta}\nSu usuario: {usuario}\n{fin_si}\n", letter.PartBody, 3, 13},
		{"after a section", "Bienvenida", "{si_cuenta}\nUsuario: {usuario}\n{fin_si}\nÑandú {usuario}\n", letter.PartBody, 4, 7},
		{"in the sections", "Bienvenida", "{si_cuenta}\nUsuario: {usuario}\n{fin_si}\n{si_cuenta_por_crear}\nSerá {usuario}\n{fin_si}\n", "", 0, 0},
	} {
		tpl := letter.Template{Title: tc.title, Body: tc.body}
		probs := letter.CheckLetter(tpl)
		_, cerr := letter.CompileLetter(tpl)
		if tc.part == "" {
			if len(probs) != 0 || cerr != nil {
				t.Errorf("%s: %v, %v", tc.name, probs, cerr)
			}
			continue
		}
		if len(probs) != 1 || probs[0].Part != tc.part || probs[0].Line != tc.line || probs[0].Col != tc.col || probs[0].Msg != msg {
			t.Errorf("%s: %+v", tc.name, probs)
		}
		if cerr == nil || !strings.Contains(cerr.Error(), "fuera de una sección") {
			t.Errorf("%s: CompileLetter %v", tc.name, cerr)
		}
		if len(letter.Check(tpl)) != 0 {
			t.Errorf("%s: Check (the new-user email's) refuses it", tc.name)
		}
	}
	for _, s := range letter.Suggested() {
		if p := letter.CheckLetter(s.Template); len(p) != 0 {
			t.Errorf("suggested %s: %v", s.Name, p)
		}
	}
	// The welcome letter of before printed it for everyone.
	old := assets.PreviousSuggestedLetters()[2]
	if p := letter.CheckLetter(letter.Template{Title: old.Title, Body: old.Body}); len(p) == 0 {
		t.Error("the old welcome letter's «Usuario: {usuario}» is not refused")
	}
}

// TestReasonOutsideTheNoAccountSection: {motivo_sin_cuenta} is blank for
// whoever has or will have an account, so a welcome letter that prints it
// outside {si_sin_cuenta} (or in the title, which everyone reads) is
// refused at its line and column; the new-user email, read only by account
// holders, refuses it outside {si_sin_cuenta} too. Every problem is found,
// with {{ }} taken as the literal braces they are.
func TestReasonOutsideTheNoAccountSection(t *testing.T) {
	const msg = "{motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta la carta se lo dejaría en blanco; póngalo dentro de esa sección"
	type at struct {
		part      string
		line, col int
	}
	for _, tc := range []struct {
		name, title, body string
		want              []at
	}{
		{"in the text", "Bienvenida", "Hola {nombre}:\n\nNo tiene cuenta porque {motivo_sin_cuenta}.\n", []at{{letter.PartBody, 3, 24}}},
		{"in the title", "Sin cuenta: {motivo_sin_cuenta}", "Hola.\n", []at{{letter.PartTitle, 1, 13}}},
		{"in the section for an account", "Bienvenida", "Hola.\n{si_cuenta}\n- Ñandú: {motivo_sin_cuenta}\n{fin_si}\n", []at{{letter.PartBody, 3, 10}}},
		{"in the section for an account to come", "Bienvenida", "{si_cuenta_por_crear}\n  Motivo: *{motivo_sin_cuenta}*\n{fin_si}\n", []at{{letter.PartBody, 2, 12}}},
		{"after the section, twice on a line", "Bienvenida", "{si_sin_cuenta}\nMotivo: {motivo_sin_cuenta}\n{fin_si}\n{motivo_sin_cuenta} y {motivo_sin_cuenta}\n",
			[]at{{letter.PartBody, 4, 1}, {letter.PartBody, 4, 23}}},
		{"escaped braces are text", "Bienvenida", "Escriba {{motivo_sin_cuenta}} y {{usuario}} en su plantilla.\n", nil},
		{"in its section", "Bienvenida", "Hola.\n{si_sin_cuenta}\nPor ahora no tiene cuenta: {motivo_sin_cuenta}.\n{fin_si}\n", nil},
	} {
		tpl := letter.Template{Title: tc.title, Body: tc.body}
		probs := letter.CheckLetter(tpl)
		_, cerr := letter.CompileLetter(tpl)
		if len(letter.Check(tpl)) != 0 {
			t.Fatalf("%s: the template itself has problems: %v", tc.name, letter.Check(tpl))
		}
		if len(tc.want) == 0 {
			if len(probs) != 0 || cerr != nil {
				t.Errorf("%s: %v, %v", tc.name, probs, cerr)
			}
			continue
		}
		var got []at
		for _, p := range probs {
			if p.Msg != msg {
				t.Errorf("%s: message %q", tc.name, p.Msg)
			}
			got = append(got, at{p.Part, p.Line, p.Col})
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: problems at %v, want %v", tc.name, got, tc.want)
		}
		var te *letter.TemplateError
		if !errors.As(cerr, &te) || len(te.Problems) != len(tc.want) || !strings.Contains(cerr.Error(), "{motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}") {
			t.Errorf("%s: CompileLetter %v", tc.name, cerr)
		}
	}

	// The new-user email: only account holders read it.
	const noticeMsg = "{motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta el correo se lo dejaría en blanco; póngalo dentro de esa sección"
	notice := letter.Template{Title: "Su cuenta", Body: "Hola {nombre}, su usuario es {usuario}.\nMotivo: {motivo_sin_cuenta}\n"}
	if p := letter.CheckNotice(notice); len(p) != 1 || p[0].Line != 2 || p[0].Col != 9 || p[0].Msg != noticeMsg {
		t.Errorf("notice: %+v", p)
	}
	if _, err := letter.CompileNotice(notice); err == nil {
		t.Error("CompileNotice takes the notice's {motivo_sin_cuenta}")
	}
	notice.Body = "Hola {nombre}, su usuario es {usuario}.\n"
	if p := letter.CheckNotice(notice); len(p) != 0 {
		t.Errorf("a notice with {usuario}: %v", p)
	}
}

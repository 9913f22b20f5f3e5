package letter_test

import (
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

package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"comunidad/app/letter"
	"comunidad/assets"
	"comunidad/data"
)

// TestLetterUpgradeNotice: a community of before has its own edit of the
// old welcome letter (no account sections) and the old change letter as
// shipped. Configuración → Carta de bienvenida says once that the edited
// one was left alone; «Restaurar carta sugerida» keeps the user's text as
// «… (versión anterior)» and brings the new letter; «Dejar mis cartas como
// están» changes nothing and the notice does not come back.
func TestLetterUpgradeNotice(t *testing.T) {
	prev := assets.PreviousSuggestedLetters()
	welcome := letter.SuggestedFor("Bienvenida nuevo residente")
	edited := strings.Replace(prev[2].Body, "Junto con saludarle", "Junto con saludarle afectuosamente", 1)
	for _, choice := range []string{"Restaurar carta sugerida", "Dejar mis cartas como están"} {
		t.Run(choice, func(t *testing.T) {
			u, w, st := letterTestUI(t)
			ctx := context.Background()
			c := u.community
			for _, tp := range []data.Template{
				{CommunityID: c.ID, Kind: data.TemplateLetter, Name: "Bienvenida nuevo residente", Title: prev[2].Title, Body: edited, Default: true},
				{CommunityID: c.ID, Kind: data.TemplateLetter, Name: "Cambio de administración", Title: prev[3].Title, Body: prev[3].Body},
			} {
				if _, err := st.SaveTemplate(ctx, tp); err != nil {
					t.Fatal(err)
				}
			}
			s := openLetterSection(t, u, w)
			if !s.notice.box.Visible() || !strings.Contains(s.notice.text.Text, "«Bienvenida nuevo residente» tiene cambios suyos y se dejó como usted la escribió") {
				t.Fatalf("notice shown %v: %q", s.notice.box.Visible(), s.notice.text.Text)
			}
			if ch, _ := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Cambio de administración"); ch.Body != letter.SuggestedFor(ch.Name).Body {
				t.Fatal("the unedited old letter was not replaced")
			}
			if choice == "Restaurar carta sugerida" {
				test.Tap(s.notice.restore)
			} else {
				test.Tap(s.notice.keep)
			}
			s.jobs.Wait()
			if s.notice.box.Visible() {
				t.Fatal("the notice stays after the answer")
			}
			b, _ := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente")
			kept, kerr := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente (versión anterior)")
			if choice == "Restaurar carta sugerida" {
				if b.Body != welcome.Body || kerr != nil || kept.Body != edited || len(s.templates) != 3 ||
					s.state.Text != "Carta sugerida restaurada; su texto quedó en «Bienvenida nuevo residente (versión anterior)»." {
					t.Fatalf("restore: templates %d, state %q, kept %v", len(s.templates), s.state.Text, kerr)
				}
			} else if b.Body != edited || kerr == nil {
				t.Fatal("«Dejar mis cartas como están» changed the letters")
			}
			// Told once: the section opened again shows no notice.
			s2 := showLetterSection(t, u, w)
			if s2.notice.box.Visible() {
				t.Fatalf("the notice came back: %q", s2.notice.text.Text)
			}
		})
	}
}

package letter_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"comunidad/app/letter"
	"comunidad/assets"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// TestUpgradeStoredSuggestedLetters: communities of before keep a stored
// copy of the old suggested letters (no account sections, "ubicada"). The
// exact copies become the new letters, once; an edited one is left as the
// user wrote it and the user is told once; the user's own letters are not
// touched.
func TestUpgradeStoredSuggestedLetters(t *testing.T) {
	ctx := context.Background()
	prev := assets.PreviousSuggestedLetters()
	if len(prev) != 4 {
		t.Fatalf("%d previous suggested letters", len(prev))
	}
	for _, p := range prev {
		if strings.Contains(p.Body, "{si_cuenta}") {
			t.Fatalf("a previous letter with account sections: %s", p.Name)
		}
	}
	if !strings.Contains(prev[0].Body, "ubicad") {
		t.Fatal("the first welcome letter said «ubicada»")
	}
	welcome, change := letter.SuggestedFor("Bienvenida nuevo residente"), letter.SuggestedFor("Cambio de administración")
	if !strings.Contains(welcome.Body, "{si_cuenta}") {
		t.Fatal("the suggested welcome letter has no account sections")
	}

	for i, old := range prev[:3] {
		st := datatest.Open(t)
		c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
		if err != nil {
			t.Fatal(err)
		}
		save := func(name, title, body string, def bool) {
			t.Helper()
			if _, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: name, Title: title, Body: body, Default: def}); err != nil {
				t.Fatal(err)
			}
		}
		edited := old.Body + "\nLa piscina abre en diciembre.\n"
		save("Bienvenida nuevo residente", old.Title, old.Body, true)
		save("Cambio de administración", prev[3].Title, prev[3].Body, false)
		save("bienvenida nuevo residente (copia)", old.Title, edited, false) // not a suggested name: the user's own
		save("Aviso de agua", "Corte de agua", "Estimado(a) {nombre_completo}: mañana no hay agua.\n", false)

		ts, err := letter.EnsureTemplates(ctx, st, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]data.Template{}
		for _, tp := range ts {
			got[tp.Name] = tp
		}
		if w := got["Bienvenida nuevo residente"]; w.Title != welcome.Title || w.Body != welcome.Body || !w.Default {
			t.Fatalf("version %d: the stored welcome letter was not replaced (default %v):\n%s", i+1, w.Default, w.Body)
		}
		if ch := got["Cambio de administración"]; ch.Body != change.Body {
			t.Fatalf("the stored change letter was not replaced:\n%s", ch.Body)
		}
		if got["bienvenida nuevo residente (copia)"].Body != edited || got["Aviso de agua"].Body != "Estimado(a) {nombre_completo}: mañana no hay agua.\n" {
			t.Fatal("the user's own letters were changed")
		}
		if n, err := letter.UpgradeNotice(ctx, st, c.ID); err != nil || len(n) != 0 {
			t.Fatalf("notice %v, %v: nothing edited to tell", n, err)
		}
	}

	// An edited copy of the old welcome letter stays as written; the user
	// is told, once.
	st := datatest.Open(t)
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(prev[2].Body, "Junto con saludarle", "Junto con saludarle afectuosamente", 1)
	if _, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: "Bienvenida nuevo residente", Title: prev[2].Title, Body: edited, Default: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: "Cambio de administración", Title: prev[3].Title, Body: prev[3].Body}); err != nil {
		t.Fatal(err)
	}
	replaced, err := letter.UpgradeTemplates(ctx, st, c.ID)
	if err != nil || !reflect.DeepEqual(replaced, []string{"Cambio de administración"}) {
		t.Fatalf("replaced %v, %v", replaced, err)
	}
	w, err := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente")
	if err != nil || w.Body != edited {
		t.Fatalf("the edited letter was changed (%v):\n%s", err, w.Body)
	}
	n, err := letter.UpgradeNotice(ctx, st, c.ID)
	if err != nil || !reflect.DeepEqual(n, []string{"Bienvenida nuevo residente"}) {
		t.Fatalf("notice %v, %v", n, err)
	}
	// «Restaurar carta sugerida» from the notice keeps the user's text as a
	// letter of its own, then restores; the notice goes.
	kept, err := letter.RestoreSuggested(ctx, st, c.ID, "Bienvenida nuevo residente")
	if err != nil || kept != "Bienvenida nuevo residente (versión anterior)" {
		t.Fatalf("restore: %q, %v", kept, err)
	}
	if k, err := st.TemplateByName(ctx, c.ID, data.TemplateLetter, kept); err != nil || k.Body != edited || k.Title != prev[2].Title {
		t.Fatalf("the user's text was not kept (%v):\n%s", err, k.Body)
	}
	if w, _ := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente"); w.Body != welcome.Body || !w.Default {
		t.Fatalf("not restored (default %v):\n%s", w.Default, w.Body)
	}
	if n, _ := letter.UpgradeNotice(ctx, st, c.ID); len(n) != 0 {
		t.Fatalf("notice after restoring: %v", n)
	}
	// Once more from another edited copy: the copy's name stays free.
	if _, err := st.SaveTemplate(ctx, data.Template{ID: w.ID, CommunityID: c.ID, Kind: data.TemplateLetter, Name: w.Name, Title: w.Title, Body: edited, Default: true}); err != nil {
		t.Fatal(err)
	}
	if kept, err := letter.RestoreSuggested(ctx, st, c.ID, "Bienvenida nuevo residente"); err != nil || kept != "Bienvenida nuevo residente (versión anterior 2)" {
		t.Fatalf("second restore: %q, %v", kept, err)
	}

	// Once: the upgrade does not run again, and the notice goes when dismissed.
	if replaced, err := letter.UpgradeTemplates(ctx, st, c.ID); err != nil || replaced != nil {
		t.Fatalf("second upgrade: %v, %v", replaced, err)
	}
	if err := letter.DismissUpgradeNotice(ctx, st, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := letter.EnsureTemplates(ctx, st, c.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := letter.UpgradeNotice(ctx, st, c.ID); err != nil || len(n) != 0 {
		t.Fatalf("notice after dismissing: %v, %v", n, err)
	}
	if w, _ := st.TemplateByName(ctx, c.ID, data.TemplateLetter, "Bienvenida nuevo residente"); w.Body != welcome.Body {
		t.Fatal("the restored letter changed later")
	}

	// A community made now gets the current letters and no notice.
	fresh, err := st.CreateCommunity(ctx, "Condominio Nuevo")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := letter.EnsureTemplates(ctx, st, fresh.ID)
	if err != nil || len(ts) != 2 || ts[0].Body != welcome.Body {
		t.Fatalf("fresh community: %d templates, %v", len(ts), err)
	}
	if n, _ := letter.UpgradeNotice(ctx, st, fresh.ID); len(n) != 0 {
		t.Fatalf("fresh community notice: %v", n)
	}
}

package ui

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"comunidad/assets"
)

// TestGuideNamesRealLabels keeps the user guide true to the interface: each
// «label» a guide tells the reader to look for is a text of its language's
// translations (a button renamed without the guide fails here), and both
// languages have the same sections.
func TestGuideNamesRealLabels(t *testing.T) {
	texts := map[string]map[string]bool{"es": {}, "en": {}}
	files, err := fs.Glob(assets.Translations, "translations/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, _ := assets.Translations.ReadFile(f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		parts := strings.Split(f, ".") // translations/<area>.<lang>.json
		l := parts[len(parts)-2]
		for _, v := range m {
			texts[l][v] = true
		}
	}
	quoted := regexp.MustCompile(`«([^»]+)»`)
	sections := map[string]int{}
	for l, file := range map[string]string{"es": "help/guia.es.md", "en": "help/guia.en.md"} {
		b, err := assets.Help.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		guide := string(b)
		sections[l] = strings.Count(guide, "\n## ")
		found := 0
		for _, m := range quoted.FindAllStringSubmatch(guide, -1) {
			found++
			if !texts[l][m[1]] {
				t.Errorf("%s: the guide names «%s», which no %s translation says", file, m[1], l)
			}
		}
		if found < 20 {
			t.Errorf("%s names only %d labels", file, found)
		}
	}
	if sections["es"] < 6 || sections["es"] != sections["en"] {
		t.Errorf("sections: %v", sections)
	}
}

// TestGuideOpensFromTheHelpMenu: Ayuda → Guía de uso shows the guide.
func TestGuideOpensFromTheHelpMenu(t *testing.T) {
	_, w := newTestUI(t, nil)
	var item *fyne.MenuItem
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "Guía de uso" {
				item = it
			}
		}
	}
	if item == nil {
		t.Fatal("no «Guía de uso» in the menu")
	}
	fyne.DoAndWait(item.Action)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	var md string
	walkTree(top, func(o fyne.CanvasObject) bool {
		if rt, ok := o.(*widget.RichText); ok {
			md += letterRichText(rt.Segments)
		}
		return true
	})
	for _, want := range []string{"Guía de uso", "Importar datos", "Seguir trabajando"} {
		if !strings.Contains(md, want) && !contains(texts(top), want) {
			t.Errorf("the guide lacks %q", want)
		}
	}
}

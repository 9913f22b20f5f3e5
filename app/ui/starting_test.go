package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"comunidad/data/datatest"
)

// The window shows at once while its database opens: what it opens, then
// the command it waits for; Ready gets what was opened, or why not.
func TestStartingScreen(t *testing.T) {
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	st := datatest.Open(t)
	var during []string
	var ready []Store
	ShowStarting(w, Starting{
		Open: func(waiting func(string)) (Store, error) {
			during = append(during, strings.Join(texts(w.Content()), "\n"))
			waiting("backup create")
			during = append(during, strings.Join(texts(w.Content()), "\n"))
			waiting("")
			during = append(during, strings.Join(texts(w.Content()), "\n"))
			return st, nil
		},
		Ready: func(s Store, err error) {
			if err != nil {
				t.Errorf("Ready got %v", err)
			}
			ready = append(ready, s)
		},
	})
	if len(during) != 3 || !strings.Contains(during[0], "Abriendo la base de datos de este equipo…") ||
		!strings.Contains(during[1], "Esperando a que termine el comando «comunidad backup create»…") ||
		!strings.Contains(during[2], "Esperando a que otro programa de Comunidad deje libre la base de datos…") {
		t.Fatalf("while opening: %q", during)
	}
	if len(ready) != 1 || ready[0] != st {
		t.Fatalf("Ready got %v", ready)
	}

	// The office database, which does not answer: the error reaches Ready.
	down := errors.New("el servidor srv:5432 no respondió a tiempo")
	var got error
	var heading string
	ShowStarting(w, Starting{Office: "srv:5432",
		Open: func(func(string)) (Store, error) {
			heading = strings.Join(texts(w.Content()), "\n")
			return nil, down
		},
		Ready: func(_ Store, err error) { got = err },
	})
	if !strings.Contains(heading, "Conectando con la base de datos de la oficina en srv:5432…") || got != down {
		t.Fatalf("office: %q, Ready got %v", heading, got)
	}
	ShowStarting(w, Starting{Demo: true,
		Open:  func(func(string)) (Store, error) { heading = strings.Join(texts(w.Content()), "\n"); return st, nil },
		Ready: func(Store, error) {},
	})
	if !strings.Contains(heading, "Abriendo la comunidad de demostración…") {
		t.Fatalf("demo: %q", heading)
	}
}

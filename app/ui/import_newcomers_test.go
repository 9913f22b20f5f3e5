package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/data/datatest"
)

// TestImportReportOffersTheLetterToTheNewcomers: after an import that
// brought people, the report's «Carta a los nuevos (N)» leads to their
// letters, as PDF or by email, for exactly them; an import that brought
// nobody offers nothing.
func TestImportReportOffersTheLetterToTheNewcomers(t *testing.T) {
	t.Setenv(mailer.EnvFileSecrets, "file")
	srv := startSMTP(t)
	st := datatest.Open(t)
	ctx := context.Background()
	path := kastorFile(t, "las-brisas.csv", kastorCSV)
	u, w, loaded := kastorTestUI(t, st, true)
	kastorPick(t, u, path)
	steps := kastorSteps(u)
	fyne.DoAndWait(u.onImportAction)
	kastorWaitStep(t, steps, "name")
	kastorTapTop(t, w, "Importar")
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	// After the first import everyone is new: the three of the export.
	kastorWaitTop(t, w, "Importación terminada", "Carta a los nuevos (3)")
	kastorTapTop(t, w, "Cerrar")

	c, err := st.CommunityByName(ctx, "condominio las brisas")
	if err != nil {
		t.Fatal(err)
	}
	c.Address = "Av. Las Brisas 1550, Ñuñoa"
	if err := st.UpdateCommunity(ctx, c); err != nil {
		t.Fatal(err)
	}
	set := letter.DefaultSettings()
	set.AdminName, set.AdminEmail, set.AdminPhone, set.PortalURL = "Administradora Ñuñoa Ltda.", "contacto@adm-nunoa.cl", "+56 2 2345 6789", "https://portal.ejemplo.cl"
	if err := letter.SaveSettings(ctx, st, c.ID, set); err != nil {
		t.Fatal(err)
	}
	configureMail(t, st, c, srv)

	// The next export brings Tomás to A-102 and Luis in a new unit A-103.
	next := kastorCSV +
		";;;;Tomás;Rojas;;tomas@example.cl;Residente;No;\r\n" +
		"A-103;Torre A;1;11.111.111-1;Luis;Vera;;luis@example.cl;Propietario;Sí;0,0100\r\n"
	if err := os.WriteFile(path, []byte(next), 0o644); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Usuarios: 2 nuevos", "Carta a los nuevos (2)")
	kastorTapTop(t, w, "Carta a los nuevos (2)")
	kastorWaitTop(t, w, "2 personas llegaron con esta importación. ¿Cómo les hace llegar la carta de bienvenida?",
		"Descargar PDF", "Enviar por correo")

	// As PDF: one file with exactly their two letters.
	kastorTapTop(t, w, "Descargar PDF")
	kastorWaitTop(t, w, "Descargar carta de bienvenida", "Se generarán 2 cartas.")
	combined := false
	fyne.DoAndWait(func() {
		kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
			if r, ok := o.(*widget.RadioGroup); ok && len(r.Options) == 2 && strings.HasPrefix(r.Options[1], "Un solo PDF") {
				r.SetSelected(r.Options[1])
				combined = r.Selected == r.Options[1]
			}
		})
	})
	if !combined {
		t.Fatalf("no «Un solo PDF» choice in:\n%s", kastorTopText(w))
	}
	eventually(t, "Generar PDF… enabled", func() bool {
		var ok bool
		fyne.DoAndWait(func() { b := kastorTopButton(w, "Generar PDF…"); ok = b != nil && !b.Disabled() })
		return ok
	})
	kastorTapTop(t, w, "Generar PDF…")
	for i := 0; i < 100 && !strings.Contains(kastorTopText(w), "Guardar las cartas en un PDF"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if got := kastorTopText(w); !strings.Contains(got, "Guardar las cartas en un PDF") {
		t.Fatalf("after Generar PDF…:\n%s", got)
	}
	dir := t.TempDir()
	fyne.DoAndWait(func() {
		var entries []*dialogEntry
		kastorWalk(kastorTop(w), func(o fyne.CanvasObject) {
			if e, ok := o.(*dialogEntry); ok {
				entries = append(entries, e)
			}
		})
		if len(entries) != 2 {
			t.Errorf("save-as entries: %d", len(entries))
			return
		}
		entries[0].SetText(dir)
		entries[1].SetText("nuevos")
	})
	kastorTapTop(t, w, "Guardar")
	out := filepath.Join(dir, "nuevos.pdf")
	for i := 0; i < 100 && !strings.Contains(kastorTopText(w), "Se guardaron 2 cartas"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if got := kastorTopText(w); !strings.Contains(got, "Se guardaron 2 cartas en el archivo:") {
		t.Fatalf("after Guardar:\n%s", got)
	}
	text := letterPDFText(t, out)
	if n := strings.Count(text, "Estimado(a) "); n != 2 ||
		!strings.Contains(text, "Estimado(a) Tomás Rojas:") || !strings.Contains(text, "Estimado(a) Luis Vera:") {
		t.Fatalf("%d letters in the PDF, want Tomás's and Luis's:\n%s", n, text)
	}
	for _, old := range []string{"María José", "Pedro Soto", "Rosa Ibáñez"} {
		if strings.Contains(text, old) {
			t.Fatalf("the PDF has a letter for %s, who was there before:\n%s", old, text)
		}
	}
	fyne.DoAndWait(func() { kastorTop(w).Hide() })

	// By email: the same offer, then exactly their two messages.
	news, err := st.Newcomers(ctx, c.ID)
	if err != nil || len(news) != 2 {
		t.Fatalf("newcomers %v, %v", news, err)
	}
	fyne.DoAndWait(func() { u.offerLetterToNewcomers(news) })
	kastorTapTop(t, w, "Enviar por correo")
	var send *widget.Button
	eventually(t, "the send plan for the newcomers", func() bool {
		var ok bool
		fyne.DoAndWait(func() {
			send = kastorTopButton(w, "Enviar")
			ok = send != nil && !send.Disabled()
		})
		return ok
	})
	test.Tap(send)
	eventually(t, "the two messages", func() bool { return srv.Total() == 2 })
	if srv.Count("tomas@example.cl") != 1 || srv.Count("luis@example.cl") != 1 {
		t.Fatalf("deliveries: tomás %d, luis %d, total %d", srv.Count("tomas@example.cl"), srv.Count("luis@example.cl"), srv.Total())
	}
	for _, m := range srv.Messages("luis@example.cl") {
		if !strings.Contains(string(m), "Luis Vera") {
			t.Fatalf("message to Luis:\n%s", m)
		}
	}
	eventually(t, "the send finished", func() bool { return !u.busySending() })

	// An import that brought nobody offers no letter.
	kastorWaitTop(t, w, "Envío terminado", "Enviados: 2. Fallidos: 0.")
	kastorTapTop(t, w, "Aceptar")
	fyne.DoAndWait(u.onImport)
	kastorWaitStep(t, steps, "report")
	kastorWaitLoaded(t, loaded)
	kastorWaitTop(t, w, "Importación terminada", "Sin cambios")
	if got := kastorTopText(w); !strings.Contains(got, "Importación terminada") || !strings.Contains(got, "Sin cambios") {
		t.Fatalf("the report of an import with nothing new:\n%s", got)
	}
	if strings.Contains(kastorTopText(w), "Carta a los nuevos") {
		t.Fatalf("an import with nobody new offers the letter:\n%s", kastorTopText(w))
	}
}

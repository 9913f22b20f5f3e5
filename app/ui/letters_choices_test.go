package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
	"comunidad/data/datatest"
)

// The download and send dialogs word the units and the recipients alike,
// and each remembers, per community, the letter, the recipients and its
// own options (files; PDF attached) from one time to the next, but never
// «Todas las unidades»: the whole community is chosen anew each time and
// its action is then not the default button.
func TestLetterDialogsRememberChoicesAndSpeakAlike(t *testing.T) {
	srv := startSMTP(t)
	u, w, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	sel := []int64{ids["u101"], ids["u102"], ids["u103"]}

	var dl *letterDownload
	fyne.DoAndWait(func() { dl = u.newLetterDownload(sel) })
	<-dl.loaded
	var sd *letterSend
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		sd = u.newLetterSend(sel)
	})
	eventually(t, "the send dialog's templates", func() bool { return len(sd.template.Options) > 1 })
	// Alike: the same units line and the same recipients choice.
	for name, lc := range map[string]*letterChoices{"download": dl.choices, "send": sd.choices} {
		if !lc.units.Visible() || lc.units.Text != "Unidades seleccionadas (3)" || lc.all.Visible() {
			t.Errorf("%s: units %q (shown %v), all shown %v", name, lc.units.Text, lc.units.Visible(), lc.all.Visible())
		}
		if len(lc.recipients.Options) != 2 || lc.recipients.Options[0] != "Cuenta principal de cada unidad" ||
			lc.recipients.Options[1] != "Todos los usuarios de cada unidad" || lc.recipients.Selected != lc.recipients.Options[0] {
			t.Errorf("%s: recipients %q, selected %q", name, lc.recipients.Options, lc.recipients.Selected)
		}
	}
	if !contains(texts(w.Canvas().Overlays().Top()), "Unidades seleccionadas (3)") {
		t.Errorf("the send dialog does not show its units: %q", texts(w.Canvas().Overlays().Top()))
	}
	if dl.template.Selected != dl.template.Options[0] || dl.combined() || sd.attach.Checked {
		t.Fatalf("first time: template %q, combined %v, attach %v", dl.template.Selected, dl.combined(), sd.attach.Checked)
	}
	other := dl.template.Options[1]

	// The administrator's choices, in each dialog.
	fyne.DoAndWait(func() {
		sd.template.SetSelected(other)
		sd.recipients.SetSelected(sd.recipients.Options[1])
		sd.attach.SetChecked(true)
	})
	eventually(t, "the plan with the PDF", func() bool {
		return !sd.send.Disabled() && len(sd.plan.Messages) > 0 && sd.plan.Messages[0].AttachPDF
	})
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		dl = u.newLetterDownload(sel)
	})
	<-dl.loaded
	// The download dialog keeps its own: nothing chosen in it yet.
	if dl.template.Selected != dl.template.Options[0] || dl.recipients.Selected != dl.recipients.Options[0] || dl.combined() {
		t.Fatalf("download took the send dialog's choices: %q, %q, combined %v", dl.template.Selected, dl.recipients.Selected, dl.combined())
	}
	fyne.DoAndWait(func() {
		dl.template.SetSelected(other)
		dl.recipients.SetSelected(dl.recipients.Options[1])
		dl.output.SetSelected(dl.output.Options[1])
		dl.all.SetChecked(true) // hidden here; must not be remembered anyway
		w.Canvas().Overlays().Top().Hide()
	})

	// Opened again, with no unit selected: the choices are back, the whole
	// community is not.
	fyne.DoAndWait(func() { dl = u.newLetterDownload(nil) })
	<-dl.loaded
	if dl.template.Selected != other || dl.recipients.Selected != dl.recipients.Options[1] || !dl.combined() {
		t.Fatalf("download not remembered: %q, %q, combined %v", dl.template.Selected, dl.recipients.Selected, dl.combined())
	}
	if !dl.all.Visible() || dl.all.Checked || dl.all.Text != "Todas las unidades (4)" || dl.choices.units.Visible() ||
		!dl.generate.Disabled() || dl.generate.Importance == widget.HighImportance {
		t.Fatalf("download, whole community: %q checked %v, generate off %v, importance %v", dl.all.Text, dl.all.Checked, dl.generate.Disabled(), dl.generate.Importance)
	}
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		sd = u.newLetterSend(nil)
	})
	eventually(t, "the send dialog again", func() bool { return sd.template.Selected == other })
	if sd.recipients.Selected != sd.recipients.Options[1] || !sd.attach.Checked || sd.all.Checked || sd.all.Text != "Todas las unidades (4)" ||
		sd.send.Importance == widget.HighImportance {
		t.Fatalf("send not remembered: %q, attach %v, all %q %v", sd.recipients.Selected, sd.attach.Checked, sd.all.Text, sd.all.Checked)
	}
	test.Tap(sd.all)
	eventually(t, "the whole community planned", func() bool { return !sd.send.Disabled() })
	if sd.send.Importance == widget.HighImportance {
		t.Fatal("Enviar to the whole community is the default button")
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	// Another community starts from the defaults.
	c2, err := st.CreateCommunity(context.Background(), "Condominio Vista Sur")
	if err != nil {
		t.Fatal(err)
	}
	unit := datatest.New(t, st).Unit(c2, data.Unit{Code: "1", Name: "Casa 1"})
	fyne.DoAndWait(func() {
		u.community = c2
		dl = u.newLetterDownload([]int64{unit.ID})
	})
	<-dl.loaded
	if dl.template.Selected != dl.template.Options[0] || dl.recipients.Selected != dl.recipients.Options[0] || dl.combined() {
		t.Fatalf("another community took these choices: %q, %q, combined %v", dl.template.Selected, dl.recipients.Selected, dl.combined())
	}
}

// Escape closes the letter dialogs, as it does the other dialogs.
func TestLetterDialogsCloseOnEscape(t *testing.T) {
	u, w, _, _, ids := mailUI(t)
	var dl *letterDownload
	fyne.DoAndWait(func() { dl = u.newLetterDownload([]int64{ids["u101"]}) })
	<-dl.loaded
	var sd *letterSend
	fyne.DoAndWait(func() { sd = u.newLetterSend([]int64{ids["u101"]}) })
	eventually(t, "the send dialog", func() bool { return sd.template.Selected != "" })
	for _, what := range []string{"Enviar carta de bienvenida por correo", "Descargar carta de bienvenida"} {
		if !anyContains(overlayTexts(w), what) {
			t.Fatalf("on top: %q, want %s", overlayTexts(w), what)
		}
		fyne.DoAndWait(func() {
			w.Canvas().Unfocus()
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		})
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("still open after Escape: %q", overlayTexts(w))
	}
	if len(u.escapes) != 0 {
		t.Fatalf("%d dialogs still wait for Escape", len(u.escapes))
	}
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/mailer"
	"comunidad/app/workflow"
	"comunidad/data"
)

// onLetterSend opens "Carta de bienvenida → Enviar" for the units with the
// given ids (all units when empty).
func (u *UI) onLetterSend(unitIDs []int64) { u.newLetterSend(unitIDs) }

// letterSend is the dialog: template, recipients, subject, PDF; it says how
// many emails will go and who has no email, then sends with a progress bar.
type letterSend struct {
	u       *UI
	c       data.Community
	unitIDs []int64

	choices    *letterChoices
	template   *widget.Select
	recipients *widget.RadioGroup // choices.recipients
	subject    *widget.Entry
	attach     *widget.Check
	resend     *widget.Check // shown when someone already got the letter
	all        *widget.Check // choices.all: with no unit selected, the explicit «Todas las unidades (N)»
	newcomers  bool          // only the people who arrived with the latest import
	summary    *widget.Label
	missing    *widget.Label
	holes      *missingBox // the settings the letter would print empty
	account    *widget.Label
	accountBox *fyne.Container // why the account cannot send, and where to fix it
	cannot     error           // the account cannot send (no server, no password)
	send       *widget.Button
	dlg        dialog.Dialog

	plan mailer.LetterPlan
	gen  int      // the plan shown is the latest asked for
	run  *sendRun // the batch, once started
}

func (u *UI) newLetterSend(unitIDs []int64) *letterSend { return u.newLetterSendFor(unitIDs, false) }

// newLetterSendFor is the dialog for the units; with newcomers, for the
// people of those units who arrived with the latest import («Nuevos desde
// la última importación» on in the table).
func (u *UI) newLetterSendFor(unitIDs []int64, newcomers bool) *letterSend {
	d := &letterSend{u: u, c: u.community, unitIDs: unitIDs, newcomers: newcomers}
	d.choices = newLetterChoices(u, "send", unitIDs, newcomers, func() { d.replan() })
	d.recipients, d.all = d.choices.recipients, d.choices.all
	d.template = widget.NewSelect(nil, func(name string) {
		d.choices.templateChanged(name)
		d.replan()
	})
	d.template.PlaceHolder = lang.X("letter.template.choose", "Elegir plantilla") // Fyne's is English
	d.subject = widget.NewEntry()
	d.subject.SetPlaceHolder(lang.X("mail.send.subject.hint", "el título de la carta; admite campos como {comunidad}"))
	d.subject.OnChanged = func(string) { d.replan() }
	// The plan carries the attachment: checking it plans again.
	d.attach = widget.NewCheck(lang.X("mail.send.attach", "Adjuntar la carta en PDF"), func(on bool) {
		if !d.choices.restoring {
			d.choices.setBoolPref("attach", on)
		}
		d.replan()
	})
	d.choices.restoring = true
	d.attach.SetChecked(d.choices.boolPref("attach"))
	d.choices.restoring = false
	d.resend = widget.NewCheck(lang.X("mail.send.resend", "Enviarla de nuevo a quienes ya la recibieron"), func(bool) { d.replan() })
	d.resend.Hide()
	d.summary = widget.NewLabel(lang.X("mail.send.counting", "Calculando destinatarios…"))
	d.summary.Wrapping = fyne.TextWrapWord
	d.missing = widget.NewLabel("")
	d.missing.Wrapping = fyne.TextWrapWord
	d.send = widget.NewButton(lang.X("mail.send.go", "Enviar"), d.onSend)
	d.send.Disable()
	if len(unitIDs) > 0 {
		d.send.Importance = widget.HighImportance
	}
	// A whole-community send is never the default button: Enviar stays a
	// plain button, after an explicit «Todas las unidades (N)».
	cancel := widget.NewButton(lang.X("mail.cancel", "Cancelar"), func() { d.dlg.Hide() })

	form := widget.NewForm(
		widget.NewFormItem(lang.X("mail.send.units", "Unidades"), d.choices.unitsRow()),
		widget.NewFormItem(lang.X("mail.send.template", "Plantilla"), d.template),
		widget.NewFormItem(lang.X("mail.send.recipients", "Destinatarios"), d.choices.recipientsRow()),
		widget.NewFormItem(lang.X("mail.send.subject", "Asunto"), d.subject),
		widget.NewFormItem("", d.attach),
	)
	d.holes = newMissingBox(u)
	d.holes.close = func() { d.dlg.Hide() }
	d.account = widget.NewLabel("")
	d.account.Wrapping = fyne.TextWrapWord
	d.account.Importance = widget.DangerImportance
	mail := lang.X("mail.section", "Correo")
	d.accountBox = container.NewVBox(d.account, container.NewHBox(widget.NewButtonWithIcon(
		lang.X("letter.holes.go", "Ir a Configuración → {{.Section}}", map[string]any{"Section": mail}), theme.SettingsIcon(), func() {
			d.dlg.Hide()
			u.showConfigSection(mail)
		})))
	d.accountBox.Hide()
	body := container.NewBorder(container.NewVBox(form, widget.NewSeparator(), d.summary, d.accountBox, d.holes.box, d.resend), nil, nil, nil,
		container.NewVScroll(d.missing))
	d.dlg = dialog.NewCustomWithoutButtons(lang.X("mail.send.title", "Enviar carta de bienvenida por correo"),
		container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, d.send), nil, nil, body), u.win)
	// As tall as the screen allows, up to 620: the account's problem, the
	// letter's holes and the list of who has no email all fit.
	ws := u.win.Canvas().Size()
	d.dlg.Resize(fyne.NewSize(min(640, ws.Width-40), min(620, ws.Height-40)))
	u.closeOnEscape(d.dlg, nil)
	d.dlg.Show()
	d.load()
	return d
}

// load reads the letter templates (creating the suggested ones the first
// time) and whether the account can send.
func (d *letterSend) load() {
	flows, c, st := d.u.flows(), d.c, d.u.st
	background(func() {
		ts, err := flows.LetterTemplates(context.Background(), c.ID)
		n, nerr := countUnits(context.Background(), st, c.ID)
		cannot := flows.CanSend(context.Background(), c)
		fyne.Do(func() {
			if err = errors.Join(err, nerr); err != nil {
				d.summary.SetText(errorText(err))
				return
			}
			// Said before Enviar, not after: no account, nothing can go.
			d.cannot = cannot
			if cannot != nil {
				d.account.SetText(upperFirst(errorText(cannot)))
				d.accountBox.Show()
			}
			d.choices.setAllUnits(n)
			d.choices.chooseTemplate(d.template, ts) // replans
		})
	})
}

func (d *letterSend) request() mailer.LetterRequest {
	return mailer.LetterRequest{UnitIDs: d.unitIDs, Template: d.template.Selected, Recipients: d.choices.who(),
		Subject: d.subject.Text, AttachPDF: d.attach.Checked, Resend: d.resend.Checked, AllUnits: d.all.Checked, New: d.newcomers}
}

// replan works out, off the UI goroutine, who the letter would go to.
func (d *letterSend) replan() {
	if d.template == nil || d.template.Selected == "" || d.summary == nil {
		return
	}
	d.gen++
	gen, req, flows, c := d.gen, d.request(), d.u.flows(), d.c
	d.send.Disable()
	if len(req.UnitIDs) == 0 && !req.AllUnits && !req.New {
		d.plan = mailer.LetterPlan{}
		d.summary.SetText(noUnitsText())
		d.missing.SetText("")
		d.holes.show(nil)
		return
	}
	background(func() {
		plan, err := flows.PlanLetters(context.Background(), c, req)
		fyne.Do(func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.summary.SetText(errorText(err))
				d.missing.SetText("")
				return
			}
			d.plan = plan
			d.showPlan()
		})
	})
}

func (d *letterSend) showPlan() {
	p := d.plan
	msg := lang.X("mail.send.count", "Se enviarán {{.N}} correos.", map[string]any{"N": len(p.Messages)})
	if len(p.Messages) == 1 {
		msg = lang.X("mail.send.count.one", "Se enviará 1 correo.")
	}
	switch n := len(p.AlreadySent); {
	case p.Resent == 1:
		msg += " " + lang.X("mail.send.resent.one", "1 destinatario la recibe de nuevo.")
	case p.Resent > 1:
		msg += " " + lang.X("mail.send.resent", "{{.N}} destinatarios la reciben de nuevo.", map[string]any{"N": p.Resent})
	case n == 1:
		msg += " " + lang.X("mail.send.already.one", "1 destinatario ya la recibió por correo y no se le enviará de nuevo.")
	case n > 1:
		msg += " " + lang.X("mail.send.already", "{{.N}} destinatarios ya la recibieron por correo y no se les enviará de nuevo.", map[string]any{"N": n})
	}
	if len(p.AlreadySent) > 0 || d.resend.Checked {
		d.resend.Show()
	} else {
		d.resend.Hide()
	}
	switch n := len(p.NoEmail); {
	case n == 1:
		msg += " " + lang.X("mail.send.noemail.one", "1 destinatario no tiene correo.")
	case n > 1:
		msg += " " + lang.X("mail.send.noemail.count", "{{.N}} destinatarios no tienen correo.", map[string]any{"N": n})
	}
	if len(p.Messages) > 0 {
		msg += " " + casesText(p.Cases)
	}
	d.summary.SetText(msg)
	var lines []string
	if len(p.NoEmail) > 0 {
		lines = append(lines, lang.X("mail.send.noemail", "Sin correo (descargue su carta en PDF para imprimirla):"))
		for _, r := range p.NoEmail {
			lines = append(lines, fmt.Sprintf("  • %s (%s)", r.FullName(), r.UnitCode))
		}
	}
	if len(p.Skipped) > 0 {
		lines = append(lines, lang.X("mail.send.skipped", "Unidades sin usuarios:"))
		for _, r := range p.Skipped {
			lines = append(lines, fmt.Sprintf("  • %s", strings.TrimSpace(r.UnitCode+" "+r.UnitName)))
		}
	}
	d.missing.SetText(strings.Join(lines, "\n"))
	d.holes.show(p.Missing)
	if len(p.Messages) > 0 && len(p.Missing) == 0 && d.cannot == nil {
		d.send.Enable()
	} else {
		d.send.Disable()
	}
}

// onSend records the messages in the outbox, then sends them.
func (d *letterSend) onSend() {
	if d.u.busySending() {
		return
	}
	plan, flows, c := d.plan, d.u.flows(), d.c
	d.send.Disable()
	background(func() {
		b, err := flows.QueueLetters(context.Background(), c, plan)
		fyne.Do(func() {
			if err != nil {
				d.send.Enable()
				d.u.showError(err)
				return
			}
			d.dlg.Hide()
			d.run = d.u.runSend(b, lang.X("mail.progress.letters", "Enviando cartas de bienvenida"))
		})
	})
}

// sendRun is a batch on screen: a progress dialog with "Cancelar" and
// "Seguir trabajando" (send_status.go), and its place in the status line.
type sendRun struct {
	bar      *widget.ProgressBar
	label    *widget.Label
	cancel   *widget.Button
	behind   *widget.Button
	dlg      dialog.Dialog
	progress mailer.Progress
	stop     func()        // cancels the batch: the message in flight ends first
	closing  bool          // the window closes when the batch has stopped
	done     chan struct{} // closed when the batch ended and the result is shown
	result   string        // what the result dialog says
}

// busySending says so and returns true when a batch is running: one batch
// at a time holds the outbox, so another has to wait for it to end.
func (u *UI) busySending() bool {
	r := u.running
	if r == nil {
		return false
	}
	dialog.ShowInformation(lang.X("mail.busy.title", "Hay un envío en curso"),
		lang.X("mail.busy.body", "Se están enviando correos ({{.Done}} de {{.Total}}). Espere a que termine para enviar otros.",
			map[string]any{"Done": r.progress.Done, "Total": r.progress.Total}), u.win)
	return true
}

// runSend sends the batch off the UI goroutine with a progress dialog; the
// result is shown at the end and the Unidades/Usuarios tab refreshed.
func (u *UI) runSend(b *workflow.Batch, title string) *sendRun {
	r := &sendRun{bar: widget.NewProgressBar(), label: widget.NewLabel(lang.X("mail.progress.connecting", "Conectando con el servidor de correo…")), done: make(chan struct{})}
	r.label.Truncation = fyne.TextTruncateEllipsis
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = func() {
		r.cancel.Disable()
		r.label.SetText(lang.X("mail.progress.cancelling", "Cancelando: se termina el correo en curso…"))
		cancel()
	}
	r.cancel = widget.NewButton(lang.X("mail.cancel", "Cancelar"), r.stop)
	r.behind = widget.NewButtonWithIcon(lang.X("mail.background", "Seguir trabajando"), theme.MoveDownIcon(), func() {
		r.dlg.Hide()
		u.sendStatus.follow(r)
	})
	r.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(r.label, r.bar, container.NewCenter(container.NewHBox(r.cancel, r.behind))), u.win)
	r.dlg.Resize(fyne.NewSize(520, 180))
	r.dlg.Show()
	u.running = r
	progress := func(p mailer.Progress) {
		fyne.Do(func() {
			r.progress = p
			if p.Total > 0 {
				r.bar.SetValue(float64(p.Done) / float64(p.Total))
			}
			if p.Current != "" {
				r.label.SetText(lang.X("mail.progress.count", "{{.Done}} de {{.Total}}: {{.To}}", map[string]any{"Done": p.Done, "Total": p.Total, "To": p.Current}))
			} else {
				r.label.SetText(lang.X("mail.progress.start", "{{.Done}} de {{.Total}}", map[string]any{"Done": p.Done, "Total": p.Total}))
			}
			if u.sendStatus.run == r {
				u.sendStatus.update()
			}
			u.sendStepDone("progress")
		})
	}
	// Its own goroutine, even in tests (which run background work in line):
	// a batch lasts while the window goes on.
	go func() {
		defer cancel()
		rep, err := b.Run(ctx, progress)
		fyne.Do(func() {
			r.dlg.Hide()
			u.sendStatus.ended(r)
			if u.running == r {
				u.running = nil
			}
			if r.closing {
				close(r.done)
				u.closeWindow()
				return
			}
			u.units.reload()
			r.result = u.showSendResult(rep, err)
			// Notices that waited while this batch held the outbox go now.
			u.sendPendingNotices()
			close(r.done)
		})
	}()
	return r
}

// sendStepDone tells Options.SendStep (tests) that a batch reported progress.
func (u *UI) sendStepDone(step string) {
	if u.opts.SendStep != nil {
		u.opts.SendStep(step)
	}
}

// showSendResult says how the batch went and returns the message.
func (u *UI) showSendResult(rep mailer.Report, err error) string {
	msg := lang.X("mail.result", "Enviados: {{.Sent}}. Fallidos: {{.Failed}}.", map[string]any{"Sent": rep.Sent, "Failed": rep.Failed})
	if rep.Cancelled > 0 {
		msg += " " + lang.X("mail.result.cancelled", "Cancelados: {{.N}} (puede reanudarlos desde «Enviados»).", map[string]any{"N": rep.Cancelled})
	}
	if rep.Interrupted > 0 {
		msg += " " + plural(rep.Interrupted, "mail.result.interrupted.one", "1 correo de un envío interrumpido quedó como fallido: puede que haya llegado.",
			"mail.result.interrupted", "{{.N}} correos de un envío interrumpido quedaron como fallidos: puede que hayan llegado.")
	}
	if rep.Failed > 0 {
		msg += " " + lang.X("mail.result.see", "Vea el detalle en «Enviados».")
	}
	title := lang.X("mail.result.title", "Envío terminado")
	switch {
	case errors.Is(err, context.Canceled):
		title = lang.X("mail.result.cancelled.title", "Envío cancelado")
	case err != nil:
		msg = errorText(err) + "\n\n" + msg
		title = lang.X("mail.result.error.title", "El envío se detuvo")
	}
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, lang.X("mail.ok", "Aceptar"), l, u.win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
	return msg
}

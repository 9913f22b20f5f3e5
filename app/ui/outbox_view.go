package ui

import (
	"context"
	"errors"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/data"
)

// onOutbox opens "Enviados": the community's outbox with each message's
// state, date, recipient and error, and retry for the failed ones.
func (u *UI) onOutbox() { u.newOutboxView() }

type outboxView struct {
	u        *UI
	c        data.Community
	msgs     []data.OutboxMessage
	selected int // row in msgs, -1 for none
	table    *widget.Table
	count    *widget.Label
	detail   *widget.Label // the selected message's recipient and full error
	empty    *widget.Label
	retryOne *widget.Button
	retryAll *widget.Button
	dlg      dialog.Dialog
	loads    int      // completed loads, for tests
	run      *sendRun // the last retry
}

var outboxColumns = []struct {
	key, title string
	width      float32
}{
	{"mail.col.state", "Estado", 100},
	{"mail.col.date", "Fecha", 130},
	{"mail.col.kind", "Tipo", 150},
	{"mail.col.unit", "Unidad", 80},
	{"mail.col.to", "Destinatario", 220},
	{"mail.col.subject", "Asunto", 220},
	{"mail.col.error", "Error", 320},
}

func stateLabel(s string) string {
	switch s {
	case data.OutboxPending:
		return lang.X("mail.state.pending", "Pendiente")
	case data.OutboxSending:
		return lang.X("mail.state.sending", "Enviando")
	case data.OutboxSent:
		return lang.X("mail.state.sent", "Enviado")
	case data.OutboxFailed:
		return lang.X("mail.state.failed", "Fallido")
	case data.OutboxCancelled:
		return lang.X("mail.state.cancelled", "Cancelado")
	}
	return s
}

func kindLabel(k string) string {
	switch k {
	case data.OutboxLetter:
		return lang.X("mail.kind.letter", "Carta de bienvenida")
	case data.OutboxNewUser:
		return lang.X("mail.kind.new_user", "Aviso nuevo usuario")
	case data.OutboxTest:
		return lang.X("mail.kind.test", "Prueba")
	}
	return k
}

func (u *UI) newOutboxView() *outboxView {
	v := &outboxView{u: u, c: u.community, selected: -1}
	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(v.msgs), len(outboxColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		v.updateCell,
	)
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(lang.X(outboxColumns[id.Col].key, outboxColumns[id.Col].title))
		}
	}
	for i, c := range outboxColumns {
		v.table.SetColumnWidth(i, c.width)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		v.selected = id.Row
		v.updateButtons()
		v.showDetail()
	}
	v.count = widget.NewLabel("")
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.empty = widget.NewLabel(lang.X("mail.outbox.empty", "Aún no se ha enviado ningún correo desde esta comunidad."))
	v.empty.Hide()
	v.retryOne = widget.NewButtonWithIcon(lang.X("mail.outbox.retry_one", "Reintentar este"), theme.ViewRefreshIcon(), v.onRetryOne)
	v.retryAll = widget.NewButtonWithIcon(lang.X("mail.outbox.retry_all", "Reintentar fallidos y pendientes"), theme.MailSendIcon(), v.onRetryAll)
	v.retryAll.Importance = widget.HighImportance
	refresh := widget.NewButtonWithIcon(lang.X("mail.outbox.refresh", "Actualizar"), theme.ViewRefreshIcon(), v.reload)
	closeBtn := widget.NewButton(lang.X("mail.close", "Cerrar"), func() { v.dlg.Hide() })
	v.updateButtons()
	bottom := container.NewVBox(v.detail, container.NewHBox(v.count, layoutSpacer(), refresh, v.retryOne, v.retryAll, closeBtn))
	v.dlg = dialog.NewCustomWithoutButtons(lang.X("mail.outbox.title", "Enviados"),
		container.NewBorder(nil, bottom, nil, nil, container.NewStack(v.table, container.NewCenter(v.empty))), u.win)
	v.dlg.Resize(fyne.NewSize(1180, 620))
	v.dlg.Show()
	v.reload()
	return v
}

func (v *outboxView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	m := v.msgs[id.Row]
	var s string
	switch id.Col {
	case 0:
		s = stateLabel(m.State)
		if m.Uncertain() {
			s = lang.X("mail.state.uncertain", "Puede haber llegado")
		}
	case 1:
		s = FormatDateTime(outboxWhen(m))
	case 2:
		s = kindLabel(m.Kind)
	case 3:
		s = m.UnitCode
	case 4:
		s = m.ToAddr
		if m.ToName != "" {
			s = m.ToName + " <" + m.ToAddr + ">"
		}
	case 5:
		s = m.Subject
	case 6:
		s = m.LastError
	}
	l.SetText(s)
}

// outboxWhen is the date Enviados shows and sorts by: when the message was
// sent, or for one not sent, when its state last changed.
func outboxWhen(m data.OutboxMessage) time.Time {
	if !m.SentAt.IsZero() {
		return m.SentAt
	}
	return m.UpdatedAt
}

// sortOutbox puts the newest first by that date (a letter retried today
// above one sent yesterday, though queued before it).
func sortOutbox(msgs []data.OutboxMessage) {
	sort.SliceStable(msgs, func(i, j int) bool {
		a, b := outboxWhen(msgs[i]), outboxWhen(msgs[j])
		if !a.Equal(b) {
			return a.After(b)
		}
		return msgs[i].ID > msgs[j].ID
	})
}

func (v *outboxView) updateButtons() {
	if v.selected >= 0 && v.selected < len(v.msgs) && (v.msgs[v.selected].State == data.OutboxFailed || v.msgs[v.selected].State == data.OutboxCancelled) {
		v.retryOne.Enable()
	} else {
		v.retryOne.Disable()
	}
	n := 0 // what «Reintentar fallidos y pendientes» sends: never an uncertain one
	for _, m := range v.msgs {
		if (m.State == data.OutboxFailed && !m.Uncertain()) || m.State == data.OutboxCancelled || m.State == data.OutboxPending {
			n++
		}
	}
	if n > 0 {
		v.retryAll.Enable()
	} else {
		v.retryAll.Disable()
	}
}

func (v *outboxView) showDetail() {
	if v.selected < 0 || v.selected >= len(v.msgs) {
		v.detail.SetText("")
		return
	}
	m := v.msgs[v.selected]
	state := stateLabel(m.State)
	if m.Uncertain() {
		state = lang.X("mail.state.uncertain", "Puede haber llegado")
	}
	text := lang.X("mail.outbox.detail", "{{.State}}: {{.Kind}} a {{.To}}", map[string]any{"State": state, "Kind": kindLabel(m.Kind), "To": m.ToAddr})
	if m.LastError != "" {
		text += " — " + m.LastError
	}
	v.detail.SetText(text)
}

// reload reads the outbox off the UI goroutine.
func (v *outboxView) reload() {
	st, c := v.u.st, v.c
	background(func() {
		ctx := context.Background()
		msgs, err := st.ListOutbox(ctx, c.ID, data.OutboxFilter{Limit: 5000})
		counts, cerr := st.OutboxCounts(ctx, c.ID)
		fyne.Do(func() {
			if err = errors.Join(err, cerr); err != nil {
				v.u.showError(err)
				return
			}
			sortOutbox(msgs)
			v.msgs = msgs
			v.selected = -1
			v.table.UnselectAll()
			v.detail.SetText("")
			v.table.Refresh()
			if len(msgs) == 0 {
				v.empty.Show()
			} else {
				v.empty.Hide()
			}
			v.count.SetText(lang.X("mail.outbox.count", "Enviados: {{.Sent}} · Pendientes: {{.Pending}} · Fallidos: {{.Failed}} · Cancelados: {{.Cancelled}}",
				map[string]any{"Sent": counts[data.OutboxSent], "Pending": counts[data.OutboxPending] + counts[data.OutboxSending],
					"Failed": counts[data.OutboxFailed], "Cancelled": counts[data.OutboxCancelled]}))
			v.updateButtons()
			v.loads++
		})
	})
}

func (v *outboxView) onRetryOne() {
	if v.selected < 0 || v.selected >= len(v.msgs) {
		return
	}
	m := v.msgs[v.selected]
	if !m.Uncertain() {
		v.retry([]int64{m.ID})
		return
	}
	// It may be in the recipient's mailbox already: sent again only when
	// the administrator says so for this one.
	to := m.ToAddr
	if m.ToName != "" {
		to = m.ToName + " <" + m.ToAddr + ">"
	}
	ask := dialog.NewConfirm(lang.X("mail.outbox.uncertain.title", "¿Reenviar este correo?"),
		lang.X("mail.outbox.uncertain.body", "Este correo a {{.To}} puede haber llegado: la conexión se cortó justo cuando el servidor lo recibía. Reenvíelo solo si el destinatario confirma que no le llegó.", map[string]any{"To": to}),
		func(ok bool) {
			if ok {
				v.retryUncertain(m.ID)
			}
		}, v.u.win)
	ask.SetConfirmText(lang.X("mail.outbox.uncertain.confirm", "Reenviar"))
	ask.SetDismissText(lang.X("mail.outbox.uncertain.dismiss", "No reenviar"))
	ask.Show()
}

// retryUncertain sends one uncertain message again, after the administrator
// confirmed it for that recipient.
func (v *outboxView) retryUncertain(id int64) {
	if v.u.busySending() {
		return
	}
	flows, c := v.u.flows(), v.c
	v.retryAll.Disable()
	v.retryOne.Disable()
	background(func() {
		b, err := flows.RetryUncertain(context.Background(), c, []int64{id})
		fyne.Do(func() {
			if err != nil {
				v.updateButtons()
				v.u.showError(err)
				return
			}
			if b == nil {
				v.reload()
				return
			}
			r := v.u.runSend(b, lang.X("mail.progress.retry", "Reintentando correos"))
			v.run = r
			background(func() {
				<-r.done
				fyne.Do(v.reload)
			})
		})
	})
}

func (v *outboxView) onRetryAll() { v.retry(nil) }

// retry arms the failed and cancelled messages (ids, or all of them) and
// sends them with everything pending.
func (v *outboxView) retry(ids []int64) {
	if v.u.busySending() {
		return
	}
	flows, c := v.u.flows(), v.c
	v.retryAll.Disable()
	v.retryOne.Disable()
	background(func() {
		b, again, err := flows.Retry(context.Background(), c, ids)
		fyne.Do(func() {
			if err != nil {
				v.updateButtons()
				v.u.showError(err)
				return
			}
			if ids != nil && len(again) == 0 {
				v.reload() // it was no longer failed
				return
			}
			r := v.u.runSend(b, lang.X("mail.progress.retry", "Reintentando correos"))
			v.run = r
			background(func() {
				<-r.done
				fyne.Do(v.reload)
			})
		})
	})
}

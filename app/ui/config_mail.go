package ui

import (
	"context"
	"crypto/tls"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/data"
)

func init() {
	registerConfigSection(40, func(u *UI) configSection { return newMailSection(u) })
}

// mailTLS lets tests trust their own SMTP server's certificate; nil in the product.
var mailTLS *tls.Config

// secrets is the user's credential store, which the workflows key by the
// window's database (workflow.Service.Credentials): Options.Secrets, or the
// OS credential store with its fallback file beside a file store, or else in
// the user's data folder. Never the working directory: with no data folder
// either, there is none (workflow.ErrNoSecrets).
func (u *UI) secrets() mailer.Secrets {
	if u.opts.Secrets != nil {
		return u.opts.Secrets
	}
	if path := storePath(u.st); path != "" {
		return mailer.OpenSecrets(path)
	}
	if root := u.app.Storage().RootURI(); root != nil && root.Scheme() == "file" && root.Path() != "" {
		return mailer.OpenSecretsIn(root.Path())
	}
	return nil
}

var securityChoices = []mailer.Security{mailer.StartTLS, mailer.TLS, mailer.None}

func securityLabel(s mailer.Security) string {
	switch s {
	case mailer.TLS:
		return lang.X("mail.security.tls", "TLS implícito (puerto 465)")
	case mailer.None:
		return lang.X("mail.security.none", "Sin cifrado (solo un servidor en este equipo)")
	}
	return lang.X("mail.security.starttls", "STARTTLS (puerto 587, recomendado)")
}

// mailSection is Configuración → Correo: the SMTP account, "Enviar correo
// de prueba", and the new-user email.
type mailSection struct {
	u *UI
	c data.Community

	host, port, username, password *widget.Entry
	from, fromName, replyTo, bcc   *widget.Entry
	rate                           *widget.Entry
	security                       *widget.Select
	passState                      *widget.Label
	save, test                     *widget.Button
	outbox                         *widget.Button // «Enviados», when notices wait
	status                         *widget.Label

	noticeSubject *fieldEntry
	noticeBody    *fieldEntry
	noticeInsert  *widget.Select
	noticeState   *widget.Label
	noticeSave    *widget.Button
	noticeRestore *widget.Button

	box   fyne.CanvasObject
	shown bool
	loads int // completed loads (tests wait for them)
}

func newMailSection(u *UI) *mailSection {
	s := &mailSection{u: u}
	s.host = widget.NewEntry()
	s.host.SetPlaceHolder(example("smtp.gmail.com"))
	s.port = widget.NewEntry()
	s.port.SetPlaceHolder(example("587"))
	opts := make([]string, len(securityChoices))
	for i, sc := range securityChoices {
		opts[i] = securityLabel(sc)
	}
	s.security = widget.NewSelect(opts, nil)
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder(example(lang.X("mail.address.example", "correo@suadministracion.cl")))
	s.password = widget.NewPasswordEntry()
	s.passState = widget.NewLabel("")
	s.from = widget.NewEntry()
	s.from.SetPlaceHolder(example(lang.X("mail.address.example", "correo@suadministracion.cl")))
	s.fromName = widget.NewEntry()
	s.fromName.SetPlaceHolder(example(lang.X("mail.from_name.example", "Administración de su comunidad")))
	s.replyTo = widget.NewEntry()
	s.replyTo.SetPlaceHolder(lang.X("mail.reply_to.hint", "opcional: adonde llegan las respuestas, si no al remitente"))
	s.bcc = widget.NewEntry()
	s.bcc.SetPlaceHolder(lang.X("mail.bcc.hint", "opcional: una copia de cada correo a la oficina"))
	s.rate = widget.NewEntry()
	s.rate.SetPlaceHolder(example(strconv.Itoa(mailer.DefaultRate)))
	s.save = widget.NewButtonWithIcon(lang.X("mail.save", "Guardar cuenta"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.test = widget.NewButtonWithIcon(lang.X("mail.test", "Enviar correo de prueba"), theme.MailSendIcon(), s.onTest)
	s.outbox = widget.NewButtonWithIcon(lang.X("units.action.outbox", "Enviados"), theme.MailComposeIcon(), u.onOutbox)
	s.outbox.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Hide() // no empty line under the buttons until there is news

	form := widget.NewForm(
		widget.NewFormItem(lang.X("mail.host", "Servidor SMTP"), s.host),
		widget.NewFormItem(lang.X("mail.port", "Puerto"), s.port),
		widget.NewFormItem(lang.X("mail.security", "Seguridad"), s.security),
		widget.NewFormItem(lang.X("mail.username", "Usuario"), s.username),
		widget.NewFormItem(lang.X("mail.password", "Contraseña"), container.NewBorder(nil, nil, nil, s.passState, s.password)),
		widget.NewFormItem(lang.X("mail.from", "Correo del remitente"), s.from),
		widget.NewFormItem(lang.X("mail.from_name", "Nombre del remitente"), s.fromName),
		widget.NewFormItem(lang.X("mail.reply_to", "Responder a"), s.replyTo),
		widget.NewFormItem(lang.X("mail.bcc", "Copia oculta"), s.bcc),
		widget.NewFormItem(lang.X("mail.rate", "Límite (correos por minuto)"), s.rate),
	)
	account := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("mail.account.title", "Cuenta de correo (SMTP)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form,
		container.NewHBox(s.save, s.test, s.outbox),
		s.status,
	)

	s.noticeSubject = newFieldEntry(false)
	s.noticeBody = newFieldEntry(true)
	s.noticeBody.SetMinRowsVisible(10)
	s.noticeInsert = newFieldInserter(func() fyne.Canvas { return s.u.win.Canvas() }, s.noticeSubject, s.noticeBody)
	s.noticeState = widget.NewLabel("")
	s.noticeState.Wrapping = fyne.TextWrapWord
	s.noticeSave = widget.NewButtonWithIcon(lang.X("mail.notice.save", "Guardar aviso"), theme.DocumentSaveIcon(), s.onSaveNotice)
	s.noticeRestore = widget.NewButtonWithIcon(lang.X("mail.notice.restore", "Restaurar"), theme.HistoryIcon(), s.onRestoreNotice)
	hint := widget.NewLabel(lang.X("mail.notice.format", "«Insertar campo» pone un dato del destinatario donde está el cursor. **negrita**, *cursiva* y «- » para listas."))
	hint.Wrapping = fyne.TextWrapWord
	notice := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("mail.notice.title", "Correo de aviso a nuevos usuarios"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewForm(
			widget.NewFormItem(lang.X("mail.notice.subject", "Asunto"), s.noticeSubject),
			widget.NewFormItem(lang.X("mail.notice.body", "Mensaje"), s.noticeBody),
		),
		container.NewBorder(nil, nil, nil, s.noticeInsert, hint),
		container.NewHBox(s.noticeSave, s.noticeRestore),
		s.noticeState,
	)
	s.box = container.NewVScroll(container.NewVBox(account, widget.NewSeparator(), notice))
	return s
}

// say shows msg under the account's buttons.
func (s *mailSection) say(msg string) {
	s.status.SetText(msg)
	if msg == "" {
		s.status.Hide()
	} else {
		s.status.Show()
	}
}

func (s *mailSection) title() string { return lang.X("mail.section", "Correo") }

// content shows the section, loading it the first time: the credential
// store is only asked (which may prompt on some systems) when the
// administrator opens Correo.
func (s *mailSection) content() fyne.CanvasObject {
	if !s.shown {
		s.shown = true
		s.load()
	}
	return container.NewPadded(s.box)
}

func (s *mailSection) setCommunity(c data.Community) {
	s.c = c
	if s.shown {
		s.load()
	}
}

// load reads the account and the notice off the UI goroutine.
func (s *mailSection) load() {
	c := s.c
	if c.ID == 0 {
		return
	}
	st, flows := s.u.st, s.u.flows()
	background(func() {
		ctx := context.Background()
		set, err := mailer.LoadSettings(ctx, st, c.ID)
		saved, perr := flows.HasPassword(ctx, c.ID)
		tpl, own, nerr := mailer.Notice(ctx, st, c.ID)
		fyne.Do(func() {
			if s.c.ID != c.ID {
				return
			}
			if err = errors.Join(err, perr, nerr); err != nil {
				s.say(errorText(err))
			}
			s.show(set, saved)
			s.showNotice(tpl, own)
			s.loads++
		})
	})
}

func (s *mailSection) show(set mailer.Settings, saved bool) {
	s.host.SetText(set.Host)
	s.port.SetText(strconv.Itoa(set.Port))
	s.security.SetSelected(securityLabel(set.Security))
	s.username.SetText(set.Username)
	s.from.SetText(set.From)
	s.fromName.SetText(set.FromName)
	s.replyTo.SetText(set.ReplyTo)
	s.bcc.SetText(set.Bcc)
	s.rate.SetText(strconv.Itoa(set.RatePerMinute))
	// The password is never shown back, only whether there is one.
	s.password.SetText("")
	if saved {
		s.passState.SetText(lang.X("mail.password.saved", "guardada"))
		s.password.SetPlaceHolder(lang.X("mail.password.change", "escriba otra para cambiarla"))
	} else {
		s.passState.SetText(lang.X("mail.password.none", "sin guardar"))
		s.password.SetPlaceHolder("")
	}
}

func (s *mailSection) showNotice(t letter.Template, own bool) {
	s.noticeSubject.SetText(t.Title)
	s.noticeBody.SetText(t.Body)
	if own {
		s.noticeState.SetText(lang.X("mail.notice.own", "Usa su propio texto; «Restaurar» vuelve al sugerido."))
	} else {
		s.noticeState.SetText(lang.X("mail.notice.suggested", "Usa el texto sugerido."))
	}
}

// settings reads the form; the port and rate are checked here, the rest by
// mailer.SaveSettings.
func (s *mailSection) settings() (mailer.Settings, error) {
	set := mailer.Settings{
		Host: strings.TrimSpace(s.host.Text), Username: strings.TrimSpace(s.username.Text),
		From: strings.TrimSpace(s.from.Text), FromName: strings.TrimSpace(s.fromName.Text),
		ReplyTo: strings.TrimSpace(s.replyTo.Text), Bcc: strings.TrimSpace(s.bcc.Text), Security: mailer.StartTLS,
	}
	for i, o := range s.security.Options {
		if o == s.security.Selected {
			set.Security = securityChoices[i]
		}
	}
	p, err := strconv.Atoi(strings.TrimSpace(s.port.Text))
	if err != nil || p < 1 || p > 65535 {
		return set, errors.New(lang.X("mail.port.bad", "El puerto debe ser un número entre 1 y 65535."))
	}
	set.Port = p
	rate := strings.TrimSpace(s.rate.Text)
	if rate == "" {
		rate = "0"
	}
	r, err := strconv.Atoi(rate)
	if err != nil || r < 0 {
		return set, errors.New(lang.X("mail.rate.bad", "El límite debe ser un número de correos por minuto (0 = sin límite)."))
	}
	set.RatePerMinute = r
	return set, nil
}

func (s *mailSection) onSave() {
	set, err := s.settings()
	if err != nil {
		s.u.showError(err)
		return
	}
	pass := s.password.Text
	st, flows, c := s.u.st, s.u.flows(), s.c
	s.save.Disable()
	background(func() {
		ctx := context.Background()
		err := mailer.SaveSettings(ctx, st, c.ID, set)
		if err == nil && pass != "" {
			err = flows.SetPassword(ctx, c.ID, pass)
		}
		saved, _ := flows.HasPassword(ctx, c.ID)
		// Saving only saves: notices left pending for want of an account
		// wait for the administrator to send them (Enviados), once the
		// test email has shown that the account works.
		pending, _ := mailer.PendingNotices(ctx, st, c.ID)
		fyne.Do(func() {
			s.save.Enable()
			if err != nil {
				s.u.showError(err)
				return
			}
			s.show(set, saved)
			if len(pending) > 0 {
				s.say(lang.X("mail.saved.pending", "Cuenta de correo guardada. Avisos a nuevos usuarios por enviar: {{.N}}. Pruebe la cuenta con «Enviar correo de prueba» y envíelos desde «Enviados».",
					map[string]any{"N": len(pending)}))
				s.outbox.Show()
			} else {
				s.say(lang.X("mail.saved", "Cuenta de correo guardada."))
				s.outbox.Hide()
			}
		})
	})
}

// onTest asks where to send the test message (the sender's own address by
// default) and sends it with the saved account.
func (s *mailSection) onTest() {
	to := widget.NewEntry()
	to.SetText(strings.TrimSpace(s.from.Text))
	to.SetPlaceHolder(lang.X("mail.test.to.hint", "vacío: al correo del remitente"))
	d := dialog.NewForm(lang.X("mail.test", "Enviar correo de prueba"), lang.X("mail.test.send", "Enviar"), lang.X("mail.cancel", "Cancelar"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("mail.test.to", "Enviar a"), to)},
		func(ok bool) {
			if ok {
				s.sendTest(strings.TrimSpace(to.Text))
			}
		}, s.u.win)
	d.Resize(fyne.NewSize(480, 200))
	d.Show()
}

func (s *mailSection) sendTest(to string) {
	flows, c := s.u.flows(), s.c
	s.test.Disable()
	s.say(lang.X("mail.test.sending", "Enviando el correo de prueba…"))
	background(func() {
		err := flows.SendTest(context.Background(), c, to)
		fyne.Do(func() {
			s.test.Enable()
			if err != nil {
				s.say(lang.X("mail.test.failed", "No se pudo enviar el correo de prueba: {{.Err}}", map[string]any{"Err": errorText(err)}))
				return
			}
			if to == "" {
				to = s.from.Text
			}
			s.say(lang.X("mail.test.sent", "Correo de prueba enviado a {{.To}}. Revise esa bandeja de entrada.", map[string]any{"To": to}))
		})
	})
}

func (s *mailSection) onSaveNotice() {
	t := letter.Template{Title: strings.TrimSpace(s.noticeSubject.Text), Body: s.noticeBody.Text}
	st, c := s.u.st, s.c
	background(func() {
		err := mailer.SaveNotice(context.Background(), st, c.ID, t)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.showNotice(t, true)
		})
	})
}

func (s *mailSection) onRestoreNotice() {
	dialog.ShowConfirm(lang.X("mail.notice.restore.title", "Restaurar el aviso sugerido"),
		lang.X("mail.notice.restore.ask", "¿Reemplazar el asunto y el mensaje por el texto sugerido? Se pierde su versión."),
		func(ok bool) {
			if ok {
				s.restoreNotice()
			}
		}, s.u.win)
}

func (s *mailSection) restoreNotice() {
	st, c := s.u.st, s.c
	background(func() {
		err := mailer.RestoreNotice(context.Background(), st, c.ID)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.showNotice(mailer.DefaultNotice(), false)
		})
	})
}

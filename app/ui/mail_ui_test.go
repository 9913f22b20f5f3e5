package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/app/mailer/mailtest"
	"comunidad/data"
	"comunidad/data/datatest"
)

const smtpUser, smtpPass = "oficina", "clave ñandú 123"

// startSMTP is a real SMTP server on 127.0.0.1 for these tests.
func startSMTP(t *testing.T) *mailtest.Server { return mailtest.Start(t, smtpUser, smtpPass) }

// mailUI opens the window on an empty database, then adds the community —
// units 101 (Ana), 102 (Beto), 103 (Carla, no email), 104 (nobody) — and
// shows it with only the Unidades/Usuarios tab loading. (The test driver
// runs fyne.Do on the loading goroutines themselves, so the sections that
// load when a community is shown would race each other; these tests load
// only what they use, one thing at a time.)
func mailUI(t *testing.T) (*UI, fyne.Window, *data.Store, data.Community, map[string]int64) {
	t.Helper()
	t.Setenv(mailer.EnvFileSecrets, "file")
	st := datatest.Open(t)
	u, w := newTestUI(t, st)
	eventually(t, "the empty state", func() bool {
		return u.status.Text == "Sin datos todavía: importe una exportación de Kastor o abra la comunidad de demostración."
	})
	ctx := context.Background()
	c, err := st.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	f := datatest.New(t, st)
	for _, p := range []struct{ code, first, email string }{{"101", "Ana", "ana@example.cl"}, {"102", "Beto", "beto@example.cl"}, {"103", "Carla", ""}, {"104", "", ""}} {
		unit := f.Unit(c, data.Unit{Code: p.code, Name: "Depto " + p.code})
		ids["u"+p.code] = unit.ID
		if p.first == "" {
			continue
		}
		person := f.Person(c, data.Person{FirstNames: p.first, LastNames: "Pérez", Email: p.email})
		ids[p.first] = person.ID
		f.Member(unit, person, data.RoleMain)
	}
	// Every setting the suggested letter prints: a letter with holes is not sent.
	c.Address = "Av. Los Álamos 100, Ñuñoa"
	if err := st.UpdateCommunity(ctx, c); err != nil {
		t.Fatal(err)
	}
	set := letter.DefaultSettings()
	set.AdminName, set.AdminEmail, set.AdminPhone, set.PortalURL = "Administradora Ñuñoa Ltda.", "contacto@adm-nunoa.cl", "+56 2 2345 6789", "https://portal.ejemplo.cl"
	if err := letter.SaveSettings(ctx, st, c.ID, set); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(func() {
		u.community = c
		u.units.setCommunity(c)
	})
	eventually(t, "the tab loaded", func() bool { return u.units.loads > 0 })
	return u, w, st, c, ids
}

func configureMail(t *testing.T, st *data.Store, c data.Community, srv *mailtest.Server) {
	t.Helper()
	set := mailer.Settings{Host: "127.0.0.1", Port: srv.Port, Security: mailer.None, Username: smtpUser,
		From: "administracion@alamos.cl", FromName: "Administración Los Álamos"}
	if err := mailer.SaveSettings(context.Background(), st, c.ID, set); err != nil {
		t.Fatal(err)
	}
	if err := testFlows(t, st).SetPassword(context.Background(), c.ID, smtpPass); err != nil {
		t.Fatal(err)
	}
}

// mailSectionOf opens Configuración → Correo (which loads it) and returns it.
func mailSectionOf(t *testing.T, u *UI) *mailSection {
	t.Helper()
	for _, s := range u.config.sections {
		if m, ok := s.(*mailSection); ok {
			fyne.DoAndWait(func() {
				m.setCommunity(u.community)
				m.content()
			})
			return m
		}
	}
	t.Fatal("no Correo section in Configuración")
	return nil
}

// overlayTexts is what the topmost dialog shows.
func overlayTexts(w fyne.Window) []string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	return texts(top)
}

func anyContains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestMailSectionSavesAccountAndSendsTest(t *testing.T) {
	srv := startSMTP(t)
	u, w, st, c, _ := mailUI(t)
	s := mailSectionOf(t, u)
	eventually(t, "the section loaded", func() bool { return s.loads > 0 && s.port.Text == "587" && s.passState.Text == "sin guardar" })
	if !contains(texts(s.content()), "Enviar correo de prueba") {
		t.Fatal("no «Enviar correo de prueba» button")
	}
	if s.status.Visible() {
		t.Fatal("an empty status line takes room under the buttons")
	}
	fyne.DoAndWait(func() {
		s.host.SetText("127.0.0.1")
		s.port.SetText(strconv.Itoa(srv.Port))
		s.security.SetSelected("Sin cifrado (solo un servidor en este equipo)")
		s.username.SetText(smtpUser)
		s.password.SetText(smtpPass)
		s.from.SetText("administracion@alamos.cl")
		s.fromName.SetText("Administración Los Álamos")
		s.rate.SetText("0")
	})
	test.Tap(s.save)
	eventually(t, "the account saved", func() bool {
		return s.status.Text == "Cuenta de correo guardada." && s.status.Visible() && s.passState.Text == "guardada" && s.password.Text == ""
	})
	set, err := mailer.LoadSettings(context.Background(), st, c.ID)
	if err != nil || set.Host != "127.0.0.1" || set.Security != mailer.None || set.FromName != "Administración Los Álamos" || set.RatePerMinute != 0 {
		t.Fatalf("saved settings: %+v %v", set, err)
	}
	for _, f := range []string{st.Path(), st.Path() + "-wal"} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(smtpPass)) {
			t.Fatalf("the password is in %s", f)
		}
	}
	// Reopening the section shows "guardada", never the password.
	fyne.DoAndWait(func() { s.setCommunity(c) })
	eventually(t, "reloaded", func() bool {
		return s.loads > 1 && s.passState.Text == "guardada" && s.password.Text == "" && s.host.Text == "127.0.0.1"
	})

	fyne.DoAndWait(func() { s.sendTest("") })
	eventually(t, "the test email", func() bool {
		return strings.HasPrefix(s.status.Text, "Correo de prueba enviado a administracion@alamos.cl")
	})
	if srv.Count("administracion@alamos.cl") != 1 {
		t.Fatalf("the server got %d test emails", srv.Count("administracion@alamos.cl"))
	}

	// No encryption to a remote server is refused with a message; nothing changes.
	fyne.DoAndWait(func() { s.host.SetText("smtp.gmail.com") })
	test.Tap(s.save)
	eventually(t, "the refusal", func() bool { return anyContains(overlayTexts(w), "solo se puede enviar a un servidor en este equipo") })
	if set2, _ := mailer.LoadSettings(context.Background(), st, c.ID); set2.Host != "127.0.0.1" {
		t.Fatalf("a refused account was saved: %+v", set2)
	}
}

// The account's empty fields show examples, marked «p. ej.» or «opcional»
// and drawn in the placeholder colour, never what looks like another
// community's real data.
func TestMailPlaceholdersReadAsExamples(t *testing.T) {
	u, w, _, _, _ := mailUI(t)
	s := mailSectionOf(t, u)
	eventually(t, "the section loaded", func() bool { return s.loads > 0 })
	fyne.DoAndWait(func() {
		w.SetContent(s.content())
		w.Resize(fyne.NewSize(1024, 768))
	})
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	ph, fg := th.Color(theme.ColorNamePlaceHolder, v), th.Color(theme.ColorNameForeground, v)
	for name, e := range map[string]*widget.Entry{"Servidor SMTP": s.host, "Usuario": s.username, "Correo del remitente": s.from,
		"Nombre del remitente": s.fromName, "Responder a": s.replyTo, "Copia oculta": s.bcc} {
		if e.Text != "" {
			t.Fatalf("%s is not empty: %q", name, e.Text)
		}
		p := e.PlaceHolder
		if !strings.HasPrefix(p, "p. ej. ") && !strings.HasPrefix(p, "opcional") {
			t.Errorf("%s: placeholder %q does not read as an example", name, p)
		}
		if low := strings.ToLower(p); strings.Contains(low, "alamos") || strings.Contains(low, "álamos") {
			t.Errorf("%s: placeholder %q is another community's data", name, p)
		}
		var drawn *canvas.Text
		walkTree(e, func(o fyne.CanvasObject) bool {
			if tx, ok := o.(*canvas.Text); ok && tx.Text == p && tx.Visible() {
				drawn = tx
			}
			return true
		})
		if drawn == nil {
			t.Errorf("%s: placeholder %q not drawn", name, p)
		} else if drawn.Color != ph || drawn.Color == fg {
			t.Errorf("%s: placeholder drawn in %v, want the placeholder colour %v", name, drawn.Color, ph)
		}
	}
	if s.username.PlaceHolder != "p. ej. correo@suadministracion.cl" {
		t.Errorf("Usuario: %q", s.username.PlaceHolder)
	}
}

func TestNoticeEditorSavesAndRestores(t *testing.T) {
	u, w, st, c, _ := mailUI(t)
	s := mailSectionOf(t, u)
	def := mailer.DefaultNotice()
	eventually(t, "the suggested notice", func() bool {
		return s.loads > 0 && s.noticeSubject.Text == def.Title && s.noticeState.Text == "Usa el texto sugerido."
	})
	fyne.DoAndWait(func() { s.noticeSubject.SetText("Hola {nombres}") })
	test.Tap(s.noticeSave)
	eventually(t, "the unknown field reported", func() bool { return anyContains(overlayTexts(w), "{nombres}") })
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		s.noticeSubject.SetText("Bienvenido a {comunidad}, {nombre}")
		s.noticeBody.SetText("Su usuario es {usuario}.")
	})
	test.Tap(s.noticeSave)
	eventually(t, "saved", func() bool { return strings.HasPrefix(s.noticeState.Text, "Usa su propio texto") })
	tpl, own, _ := mailer.Notice(context.Background(), st, c.ID)
	if !own || tpl.Title != "Bienvenido a {comunidad}, {nombre}" {
		t.Fatalf("stored notice: %+v %v", tpl, own)
	}
	fyne.DoAndWait(s.restoreNotice)
	eventually(t, "restored", func() bool { return s.noticeSubject.Text == def.Title && s.noticeBody.Text == def.Body })
	if _, own, _ := mailer.Notice(context.Background(), st, c.ID); own {
		t.Fatal("still the administrator's notice after Restaurar")
	}
}

func TestLetterSendDialogSendsOnce(t *testing.T) {
	srv := startSMTP(t)
	u, w, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend(nil) })
	// No unit selected: nothing is planned for the whole community until
	// «Todas las unidades (4)» is chosen, and Enviar is not the default button.
	eventually(t, "the question", func() bool {
		return d.all.Text == "Todas las unidades (4)" && strings.HasPrefix(d.summary.Text, "No hay unidades seleccionadas") &&
			d.send.Disabled() && d.send.Importance != widget.HighImportance
	})
	test.Tap(d.all)
	eventually(t, "the plan", func() bool {
		return d.summary.Text == "Se enviarán 2 correos. 1 destinatario no tiene correo. Con cuenta en el portal: 0 · cuenta por crear (al generar los usuarios): 2 · sin cuenta: 0." &&
			strings.Contains(d.missing.Text, "Carla Pérez (103)") &&
			strings.Contains(d.missing.Text, "104 Depto 104") && !d.send.Disabled()
	})
	fyne.DoAndWait(func() { d.subject.SetText("Bienvenida a {comunidad}") })
	fyne.DoAndWait(func() { d.attach.SetChecked(true) })
	eventually(t, "replanned", func() bool {
		return !d.send.Disabled() && d.plan.Messages[0].Subject == "Bienvenida a Edificio Los Álamos"
	})
	before := u.units.loads
	test.Tap(d.send)
	waitRun(t, u, func() *sendRun { return d.run }, before)
	if d.run.result != "Enviados: 2. Fallidos: 0." || !anyContains(overlayTexts(w), "Enviados: 2. Fallidos: 0.") {
		t.Fatalf("result %q", d.run.result)
	}
	if srv.Count("ana@example.cl") != 1 || srv.Count("beto@example.cl") != 1 {
		t.Fatalf("delivered: ana %d, beto %d", srv.Count("ana@example.cl"), srv.Count("beto@example.cl"))
	}
	rows, _ := st.UserRows(context.Background(), c.ID)
	for _, r := range rows {
		if r.PersonID == ids["Ana"] && r.LetterSentAt.IsZero() {
			t.Fatal("Ana's row does not show the letter as sent")
		}
	}
	// Only Ana's unit selected, again: she already has it; nothing goes.
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		d = u.newLetterSend([]int64{ids["u101"]})
	})
	eventually(t, "the second plan", func() bool {
		return strings.HasPrefix(d.summary.Text, "Se enviarán 0 correos. 1 destinatario ya la recibió") && d.send.Disabled()
	})
	if srv.Total() != 2 {
		t.Fatalf("server total %d", srv.Total())
	}
	// She lost it: «Enviarla de nuevo» sends it once more.
	if !d.resend.Visible() || d.resend.Checked {
		t.Fatal("no unchecked resend option")
	}
	test.Tap(d.resend)
	eventually(t, "the resend plan", func() bool {
		return d.summary.Text == "Se enviará 1 correo. 1 destinatario la recibe de nuevo. Con cuenta en el portal: 0 · cuenta por crear (al generar los usuarios): 1 · sin cuenta: 0." &&
			!d.send.Disabled()
	})
	before = u.units.loads
	test.Tap(d.send)
	waitRun(t, u, func() *sendRun { return d.run }, before)
	if srv.Count("ana@example.cl") != 2 || srv.Total() != 3 {
		t.Fatalf("after the resend: ana %d, total %d", srv.Count("ana@example.cl"), srv.Total())
	}
}

// Without an account the send dialog says so before Enviar, which stays
// off, and leads to Configuración → Correo.
func TestLetterSendSaysTheAccountIsMissing(t *testing.T) {
	u, w, _, _, ids := mailUI(t)
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend([]int64{ids["u101"], ids["u102"]}) })
	eventually(t, "the plan and the account's problem", func() bool {
		return len(d.plan.Messages) == 2 && d.accountBox.Visible() && strings.HasPrefix(d.account.Text, "Falta el servidor SMTP")
	})
	if !d.send.Disabled() {
		t.Fatal("Enviar is on without an account")
	}
	if !anyContains(overlayTexts(w), "Falta el servidor SMTP") {
		t.Fatalf("the dialog does not say it: %q", overlayTexts(w))
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Ir a Configuración → Correo"))
	if w.Canvas().Overlays().Top() != nil || u.tabs.SelectedIndex() != 1 {
		t.Fatalf("still in the dialog, or not on Configuración (tab %d)", u.tabs.SelectedIndex())
	}
	if _, ok := u.config.sections[u.config.current].(*mailSection); !ok {
		t.Fatalf("Configuración shows %q", u.config.sections[u.config.current].title())
	}
}

func TestOutboxViewRetriesFailed(t *testing.T) {
	srv := startSMTP(t)
	srv.Refuse("beto@example.cl", true)
	u, w, st, c, _ := mailUI(t)
	configureMail(t, st, c, srv)
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend(nil) })
	test.Tap(d.all)
	eventually(t, "the plan", func() bool { return !d.send.Disabled() })
	before := u.units.loads
	test.Tap(d.send)
	waitRun(t, u, func() *sendRun { return d.run }, before)
	if !strings.HasPrefix(d.run.result, "Enviados: 1. Fallidos: 1.") {
		t.Fatalf("result %q", d.run.result)
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	var v *outboxView
	fyne.DoAndWait(func() { v = u.newOutboxView() })
	var got []string
	defer func() {
		if t.Failed() {
			t.Logf("outbox shows %q", got)
		}
	}()
	eventually(t, "the outbox", func() bool {
		got = overlayTexts(w)
		return v.loads > 0 && anyContains(got, "Fallido") && anyContains(got, "No such user here (beto@example.cl)") &&
			anyContains(got, "Enviados: 1 · Pendientes: 0 · Fallidos: 1 · Cancelados: 0") && !v.retryAll.Disabled()
	})
	// Select Beto's row and retry just that one.
	row := -1
	for i, m := range v.msgs {
		if m.ToAddr == "beto@example.cl" {
			row = i
		}
	}
	srv.Refuse("beto@example.cl", false)
	fyne.DoAndWait(func() { v.table.Select(widgetCell(row)) })
	eventually(t, "retry enabled", func() bool {
		return !v.retryOne.Disabled() && strings.HasPrefix(v.detail.Text, "Fallido: Carta de bienvenida a beto@example.cl — 550")
	})
	loads, before := v.loads, u.units.loads
	test.Tap(v.retryOne)
	waitRun(t, u, func() *sendRun { return v.run }, before)
	eventually(t, "the view updated", func() bool {
		return v.loads > loads && v.msgs[row].State == data.OutboxSent && v.retryAll.Disabled()
	})
	if srv.Count("beto@example.cl") != 1 || v.run.result != "Enviados: 1. Fallidos: 0." {
		t.Fatalf("retry: beto got %d, result %q", srv.Count("beto@example.cl"), v.run.result)
	}
	if srv.Count("ana@example.cl") != 1 {
		t.Fatalf("Ana got %d", srv.Count("ana@example.cl"))
	}
}

func TestNewUserNoticeWaitsForTheAccount(t *testing.T) {
	srv := startSMTP(t)
	u, w, st, c, ids := mailUI(t)
	ctx := context.Background()
	person, err := st.AddLocalUser(ctx, ids["u101"], data.LocalUser{FirstNames: "José", LastNames: "Muñoz", Email: "jose@example.cl"})
	if err != nil {
		t.Fatal(err)
	}
	// No account yet: the notice silently stays pending.
	fyne.DoAndWait(u.sendPendingNotices)
	if ms, _ := st.ListOutbox(ctx, c.ID, data.OutboxFilter{Kinds: []string{data.OutboxNewUser}}); len(ms) != 1 || ms[0].State != data.OutboxPending {
		t.Fatalf("notice: %+v", ms)
	}
	// Saving the account only saves: it says what waits and where to send it.
	s := mailSectionOf(t, u)
	eventually(t, "the section loaded", func() bool { return s.loads > 0 && s.port.Text == "587" })
	if s.outbox.Visible() {
		t.Fatal("«Enviados» shown before the account was saved")
	}
	fyne.DoAndWait(func() {
		s.host.SetText("127.0.0.1")
		s.port.SetText(strconv.Itoa(srv.Port))
		s.security.SetSelected("Sin cifrado (solo un servidor en este equipo)")
		s.username.SetText(smtpUser)
		s.password.SetText(smtpPass)
		s.from.SetText("administracion@alamos.cl")
	})
	test.Tap(s.save)
	eventually(t, "the account saved", func() bool {
		return strings.HasPrefix(s.status.Text, "Cuenta de correo guardada. Avisos a nuevos usuarios por enviar: 1.") && s.outbox.Visible()
	})
	time.Sleep(300 * time.Millisecond)
	if srv.Total() != 0 {
		t.Fatalf("saving the account sent %d emails", srv.Total())
	}
	if ms, _ := st.ListOutbox(ctx, c.ID, data.OutboxFilter{Kinds: []string{data.OutboxNewUser}}); len(ms) != 1 || ms[0].State != data.OutboxPending || ms[0].Attempts != 0 {
		t.Fatalf("notice after saving: %+v", ms)
	}
	// «Enviados» → «Reintentar fallidos y pendientes» sends what was owed, once.
	test.Tap(s.outbox)
	var retry *widget.Button
	eventually(t, "Enviados", func() bool {
		retry = nil
		if top := w.Canvas().Overlays().Top(); top != nil {
			retry = findButton(top, "Reintentar fallidos y pendientes")
		}
		return retry != nil && !retry.Disabled()
	})
	before := u.units.loads
	test.Tap(retry)
	eventually(t, "the notice delivered", func() bool { return srv.Count("jose@example.cl") == 1 && u.units.loads > before })
	eventually(t, "the notice marked sent", func() bool {
		rows, _ := st.UserRows(ctx, c.ID)
		for _, r := range rows {
			if r.PersonID == person {
				return r.NoticeState == data.OutboxSent
			}
		}
		return false
	})
	// A second call sends nothing more.
	fyne.DoAndWait(u.sendPendingNotices)
	if srv.Count("jose@example.cl") != 1 {
		t.Fatal("the notice went twice")
	}
}

// «Enviar correo de prueba» goes at once while the outbox is held by a batch
// (here, another computer's on the shared database) and notices wait: it is
// not refused, and what waits stays waiting.
func TestMailTestGoesWhileTheOutboxIsBusy(t *testing.T) {
	srv := startSMTP(t)
	u, _, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	ctx := context.Background()
	if _, err := st.AddLocalUser(ctx, ids["u101"], data.LocalUser{FirstNames: "José", LastNames: "Muñoz", Email: "jose@example.cl"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.AcquireOutbox(ctx, c.ID, "otro-equipo:4242:abcdef", nil); err != nil {
		t.Fatal(err)
	}
	s := mailSectionOf(t, u)
	eventually(t, "the section loaded", func() bool { return s.loads > 0 && s.passState.Text == "guardada" })
	fyne.DoAndWait(func() { s.sendTest("") })
	eventually(t, "the test email", func() bool {
		return strings.HasPrefix(s.status.Text, "Correo de prueba enviado a administracion@alamos.cl") || strings.HasPrefix(s.status.Text, "No se pudo")
	})
	if !strings.HasPrefix(s.status.Text, "Correo de prueba enviado") || srv.Count("administracion@alamos.cl") != 1 || srv.Total() != 1 {
		t.Fatalf("status %q; the server got %d (total %d)", s.status.Text, srv.Count("administracion@alamos.cl"), srv.Total())
	}
	if ms, _ := st.ListOutbox(ctx, c.ID, data.OutboxFilter{Kinds: []string{data.OutboxNewUser}}); len(ms) != 1 || ms[0].State != data.OutboxPending {
		t.Fatalf("notice after the test: %+v", ms)
	}
}

// Enviados lists the newest first by the date it shows: a letter queued
// first but sent last (a retry) is on top.
func TestOutboxViewNewestFirst(t *testing.T) {
	u, w, st, c, _ := mailUI(t)
	ctx := context.Background()
	var msgs []data.OutboxMessage
	for _, to := range []string{"primera@example.cl", "segunda@example.cl", "tercera@example.cl"} {
		msgs = append(msgs, data.OutboxMessage{CommunityID: c.ID, Kind: data.OutboxLetter, DedupeKey: "orden:" + to, ToAddr: to, Subject: "Carta", BodyText: "Hola"})
	}
	res, err := st.QueueOutbox(ctx, msgs)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) string { return data.FormatTime(time.Date(2026, 11, d, 15, 0, 0, 0, time.UTC)) }
	// primera: sent on the 20th (retried); segunda: the 10th; tercera: failed on the 15th.
	for i, q := range []struct{ state, sent, updated string }{{"sent", day(20), day(20)}, {"sent", day(10), day(10)}, {"failed", "", day(15)}} {
		if _, err := st.Writer().ExecContext(ctx, `UPDATE outbox SET state = ?, sent_at = nullif(?, ''), updated_at = ? WHERE id = ?`, q.state, q.sent, q.updated, res.IDs[i]); err != nil {
			t.Fatal(err)
		}
	}
	var v *outboxView
	fyne.DoAndWait(func() { v = u.newOutboxView() })
	eventually(t, "the outbox", func() bool { return v.loads > 0 })
	var got []string
	for _, m := range v.msgs {
		got = append(got, m.ToAddr)
	}
	if strings.Join(got, " ") != "primera@example.cl tercera@example.cl segunda@example.cl" {
		t.Fatalf("Enviados order: %v", got)
	}
	if !anyContains(overlayTexts(w), FormatDateTime(time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC))) {
		t.Fatalf("the dates shown: %q", overlayTexts(w))
	}
}

// waitRun waits for a batch to end and for the tab it refreshes.
func waitRun(t *testing.T, u *UI, run func() *sendRun, unitsLoads int) {
	t.Helper()
	eventually(t, "the batch", func() bool {
		r := run()
		if r == nil {
			return false
		}
		select {
		case <-r.done:
			return u.units.loads > unitsLoads
		default:
			return false
		}
	})
}

func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 0} }

// TestSendBehindAndCloseWhileSending: "Seguir trabajando" hides the
// progress dialog and the status line follows the batch; a second batch
// waits its turn; closing the window asks, and "Detener y cerrar" lets the
// message in flight end, cancels the rest and closes.
func TestSendBehindAndCloseWhileSending(t *testing.T) {
	srv := startSMTP(t)
	u, w, st, c, _ := mailUI(t)
	configureMail(t, st, c, srv)
	release := srv.Hold(t)
	closed := make(chan struct{})
	u.quit = func() { close(closed) }

	steps := make(chan string, 16)
	u.opts.SendStep = func(s string) { steps <- s }

	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend(nil) })
	test.Tap(d.all)
	eventually(t, "the plan", func() bool { return !d.send.Disabled() && len(d.plan.Messages) == 2 })
	test.Tap(d.send)
	// The batch says its size, then waits on the held server.
	select {
	case <-steps:
	case <-time.After(10 * time.Second):
		t.Fatal("the batch never started")
	}
	if d.run == nil || d.run.progress.Total != 2 || !anyContains(overlayTexts(w), "0 de 2") {
		t.Fatalf("progress dialog: %q", overlayTexts(w))
	}
	r := d.run
	test.Tap(r.behind)
	if anyContains(overlayTexts(w), "0 de 2") {
		t.Fatal("the progress dialog is still on screen")
	}
	if !u.sendStatus.box.Visible() || u.sendStatus.label.Text != "Enviando correos: 0 de 2" || !contains(texts(w.Content()), "Enviando correos: 0 de 2") {
		t.Fatalf("status line: %q (shown %v)", u.sendStatus.label.Text, u.sendStatus.box.Visible())
	}
	// "Ver" brings the dialog back; "Seguir trabajando" again hides it.
	test.Tap(u.sendStatus.show)
	if !anyContains(overlayTexts(w), "0 de 2") {
		t.Fatal("Ver did not show the progress")
	}
	test.Tap(r.behind)

	// Another batch is refused while this one runs: nothing more is queued.
	var busy bool
	fyne.DoAndWait(func() { busy = u.busySending() })
	if !busy || !anyContains(overlayTexts(w), "Espere a que termine para enviar otros.") {
		t.Fatalf("busy %v, dialog %q", busy, overlayTexts(w))
	}
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })

	// Closing asks; "Seguir enviando" keeps everything as it was.
	fyne.DoAndWait(u.onCloseRequest)
	if !anyContains(overlayTexts(w), "Se están enviando correos (0 de 2)") {
		t.Fatalf("close dialog: %q", overlayTexts(w))
	}
	letterTapOverlayButton(t, w, "Seguir enviando")
	if u.running != r {
		t.Fatal("Seguir enviando stopped the batch")
	}
	// "Detener y cerrar": the message in flight is delivered, the other
	// cancelled, then the window closes. In flight: the server has its text
	// and holds its answer. (The batch's first progress comes before it
	// connects: stopped then, under load, no message was in flight yet and
	// both were rightly cancelled.)
	eventually(t, "the first message at the server", func() bool { return srv.Held() == 1 })
	fyne.DoAndWait(u.onCloseRequest)
	letterTapOverlayButton(t, w, "Detener y cerrar")
	release()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not close")
	}
	<-r.done
	if srv.Total() != 1 || u.running != nil || u.sendStatus.box.Visible() {
		t.Fatalf("delivered %d, running %v", srv.Total(), u.running != nil)
	}
	ms, err := st.ListOutbox(context.Background(), c.ID, data.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, m := range ms {
		states[m.State]++
	}
	if states[data.OutboxSent] != 1 || states[data.OutboxCancelled] != 1 {
		t.Fatalf("outbox: %v", states)
	}
}

// Enviados shows a letter that may have arrived apart from the failures:
// «Reintentar fallidos y pendientes» leaves it alone, and «Reintentar este»
// asks first, for that recipient alone.
func TestOutboxViewUncertainAsksPerMessage(t *testing.T) {
	srv := startSMTP(t)
	srv.Fail("ana@example.cl", mailtest.Drop)
	srv.Fail("beto@example.cl", mailtest.Reject)
	u, w, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend([]int64{ids["u101"], ids["u102"]}) })
	eventually(t, "the plan", func() bool { return !d.send.Disabled() })
	before := u.units.loads
	test.Tap(d.send)
	waitRun(t, u, func() *sendRun { return d.run }, before)
	fyne.DoAndWait(func() { w.Canvas().Overlays().Top().Hide() })
	if srv.Count("ana@example.cl") != 1 || srv.Count("beto@example.cl") != 0 {
		t.Fatalf("first send: ana %d, beto %d", srv.Count("ana@example.cl"), srv.Count("beto@example.cl"))
	}

	var v *outboxView
	fyne.DoAndWait(func() { v = u.newOutboxView() })
	eventually(t, "the outbox", func() bool {
		got := overlayTexts(w)
		return v.loads > 0 && anyContains(got, "Puede haber llegado") && anyContains(got, "Fallido") && !v.retryAll.Disabled()
	})
	loads := v.loads
	before = u.units.loads
	test.Tap(v.retryAll)
	waitRun(t, u, func() *sendRun { return v.run }, before)
	eventually(t, "reloaded", func() bool { return v.loads > loads && v.retryAll.Disabled() })
	if srv.Count("ana@example.cl") != 1 || srv.Count("beto@example.cl") != 1 {
		t.Fatalf("retry all: ana %d (she may have it: not again), beto %d", srv.Count("ana@example.cl"), srv.Count("beto@example.cl"))
	}
	row := -1
	for i, m := range v.msgs {
		if m.ToAddr == "ana@example.cl" {
			row = i
		}
	}
	fyne.DoAndWait(func() { v.table.Select(widgetCell(row)) })
	eventually(t, "retry one enabled", func() bool {
		return !v.retryOne.Disabled() && strings.HasPrefix(v.detail.Text, "Puede haber llegado: Carta de bienvenida a ana@example.cl")
	})
	ask := func() fyne.CanvasObject {
		test.Tap(v.retryOne)
		var top fyne.CanvasObject
		eventually(t, "the question", func() bool {
			top = w.Canvas().Overlays().Top()
			return top != nil && anyContains(texts(top), "puede haber llegado: la conexión se cortó")
		})
		return top
	}
	test.Tap(findButton(ask(), "No reenviar"))
	time.Sleep(100 * time.Millisecond)
	if srv.Count("ana@example.cl") != 1 {
		t.Fatalf("«No» sent it: ana %d", srv.Count("ana@example.cl"))
	}
	loads, before = v.loads, u.units.loads
	test.Tap(findButton(ask(), "Reenviar"))
	waitRun(t, u, func() *sendRun { return v.run }, before)
	eventually(t, "reloaded after the resend", func() bool { return v.loads > loads && v.msgs[row].State == data.OutboxSent })
	if srv.Count("ana@example.cl") != 2 || srv.Count("beto@example.cl") != 1 {
		t.Fatalf("asked for Ana: ana %d, beto %d", srv.Count("ana@example.cl"), srv.Count("beto@example.cl"))
	}
}

// A letter that would print blanks is not sent: the send dialog names the
// missing settings and Enviar stays off; nothing reaches the outbox.
func TestLetterSendRefusesHoles(t *testing.T) {
	srv := startSMTP(t)
	u, _, st, c, _ := mailUI(t)
	configureMail(t, st, c, srv)
	if _, err := st.Writer().ExecContext(context.Background(), `DELETE FROM settings WHERE key = 'letter.portal_url'`); err != nil {
		t.Fatal(err)
	}
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSend(nil) })
	test.Tap(d.all)
	eventually(t, "the plan with its holes", func() bool {
		var ok bool
		fyne.DoAndWait(func() {
			ok = d.holes.box.Visible() && strings.Contains(d.holes.text.Text, "Portal de residentes") && d.send.Disabled() && len(d.plan.Messages) == 2
		})
		return ok
	})
	if _, err := u.flows().QueueLetters(context.Background(), c, d.plan); err == nil {
		t.Fatal("a plan with holes was queued")
	}
	if ms, _ := st.ListOutbox(context.Background(), c.ID, data.OutboxFilter{}); len(ms) != 0 || srv.Total() != 0 {
		t.Fatalf("queued %d, delivered %d", len(ms), srv.Total())
	}
}

// «Carta a los nuevos» shows the people who arrived with the latest import
// («Nuevos desde la última importación») and selects their units; the
// letter then goes to them only, not to the unit's other people.
func TestLetterToTheNewcomers(t *testing.T) {
	srv := startSMTP(t)
	u, _, st, c, ids := mailUI(t)
	configureMail(t, st, c, srv)
	ctx := context.Background()
	now := data.FormatTime(time.Now())
	// The latest import brought Beto (unit 102).
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO sync_runs (community_id, source, started_at, finished_at) VALUES (%d, 'kastor.xlsx', '%s', '%s')`, c.ID, now, now),
		fmt.Sprintf(`UPDATE memberships SET created_at = '%s' WHERE person_id = %d`, now, ids["Beto"]),
	} {
		if _, err := st.Writer().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	loads := u.units.loads
	fyne.DoAndWait(func() { u.units.reload() })
	eventually(t, "the listing again", func() bool { return u.units.loads > loads })
	fyne.DoAndWait(func() { u.units.onLetterToNewcomers() })
	var sel []int64
	fyne.DoAndWait(func() { sel = u.units.selectedIDs() })
	if len(sel) != 1 || sel[0] != ids["u102"] || !u.units.newOnly.Checked {
		t.Fatalf("selected %v (want Beto's unit %d), filter on %v", sel, ids["u102"], u.units.newOnly.Checked)
	}
	var d *letterSend
	fyne.DoAndWait(func() { d = u.newLetterSendFor(sel, true) })
	eventually(t, "the plan for the newcomers", func() bool {
		var ok bool
		fyne.DoAndWait(func() {
			ok = !d.send.Disabled() && len(d.plan.Messages) == 1 && d.plan.Messages[0].ToAddr == "beto@example.cl"
		})
		return ok
	})
	before := u.units.loads
	test.Tap(d.send)
	waitRun(t, u, func() *sendRun { return d.run }, before)
	if srv.Count("beto@example.cl") != 1 || srv.Total() != 1 {
		t.Fatalf("deliveries: beto %d, total %d", srv.Count("beto@example.cl"), srv.Total())
	}
}

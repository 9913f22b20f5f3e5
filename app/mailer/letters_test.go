package mailer

import (
	"bytes"
	"context"
	"mime"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"comunidad/app/letter"
	"comunidad/data"
)

// lettersFixture: unit 101 (main Ana, with markup in her surname), unit 102
// (main without email), unit 103 (nobody), and an additional user created
// in unit 101, whose notice is queued by data.AddLocalUser.
func lettersFixture(t *testing.T) (*data.Store, data.Community, map[string]int64) {
	t.Helper()
	st, c := openStore(t)
	ctx := context.Background()
	w := st.Writer()
	ids := map[string]int64{}
	exec := func(name, q string, args ...any) {
		if name == "" {
			if _, err := w.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%v", err)
			}
			return
		}
		var id int64
		if err := w.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids[name] = id
	}
	for _, code := range []string{"101", "102", "103"} {
		exec("u"+code, `INSERT INTO units (community_id, code, name) VALUES (?, ?, ?)`, c.ID, code, "Depto "+code)
	}
	exec("ana", `INSERT INTO people (community_id, kastor_key, first_names, last_names, email, origin) VALUES (?, 'k1', 'Ana', 'Pérez <b>Ñuñez</b>', 'ana@example.cl', 'kastor')`, c.ID)
	exec("luis", `INSERT INTO people (community_id, kastor_key, first_names, last_names, email, origin) VALUES (?, 'k2', 'Luis', 'Soto', '', 'kastor')`, c.ID)
	exec("", `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (?, ?, 'main', 'kastor')`, ids["u101"], ids["ana"])
	exec("", `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (?, ?, 'main', 'kastor')`, ids["u102"], ids["luis"])
	p, err := st.AddLocalUser(ctx, ids["u101"], data.LocalUser{FirstNames: "José", LastNames: "Muñoz", Email: "jose@example.cl"})
	if err != nil {
		t.Fatal(err)
	}
	ids["jose"] = p
	if err := st.SetSetting(ctx, c.ID, "letter.portal_url", "https://portal.example.cl"); err != nil {
		t.Fatal(err)
	}
	return st, c, ids
}

func configure(t *testing.T, st *data.Store, c data.Community, ts *testServer) Secrets {
	t.Helper()
	acc := ts.account()
	if err := SaveSettings(context.Background(), st, c.ID, acc.Settings); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvFileSecrets, "file")
	sec := OpenSecrets(filepath.Join(t.TempDir(), "x.db"))
	if err := SetPassword(sec, c.ID, acc.Password); err != nil {
		t.Fatal(err)
	}
	return sec
}

func TestLettersPlanQueueSend(t *testing.T) {
	ts := newTestServer(t).start()
	st, c, ids := lettersFixture(t)
	sec := configure(t, st, c, ts)
	ctx := context.Background()

	req := LetterRequest{Recipients: letter.AllUsers, Subject: "Bienvenida a {comunidad}, {nombre}", AttachPDF: true}
	plan, err := PlanLetters(ctx, st, c, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Messages) != 2 || len(plan.NoEmail) != 1 || plan.NoEmail[0].FirstNames != "Luis" ||
		len(plan.Skipped) != 1 || plan.Skipped[0].UnitCode != "103" {
		t.Fatalf("plan: %d messages, no email %+v, skipped %+v", len(plan.Messages), plan.NoEmail, plan.Skipped)
	}
	if _, err := st.QueueOutbox(ctx, plan.Messages); err != nil {
		t.Fatal(err)
	}
	snd, err := NewSender(ctx, st, sec, c)
	if err != nil {
		t.Fatal(err)
	}
	snd.TLSConfig = ts.tlsConfig()
	letters := []int64{}
	for _, m := range mustList(t, st, c, data.OutboxLetter) {
		letters = append(letters, m.ID)
	}
	rep, err := snd.Run(ctx, letters)
	if err != nil || rep.Sent != 2 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	if ts.countTo("jose@example.cl") != 1 || ts.countTo("ana@example.cl") != 1 {
		t.Fatalf("delivered: %d messages", len(ts.messages()))
	}
	// Ana's letter: merged subject, escaped markup, the letter as PDF.
	var ana received
	for _, r := range ts.messages() {
		if r.to[0] == "ana@example.cl" {
			ana = r
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(ana.data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Bienvenida a Edificio Los Álamos, Ana" {
		t.Fatalf("subject %q", subject)
	}
	var html, text string
	var pdf []byte
	var pdfName string
	for _, p := range walkParts(t, msg.Header.Get("Content-Type"), msg.Body) {
		switch {
		case strings.HasPrefix(p.ctype, "text/html"):
			html = string(p.body)
		case strings.HasPrefix(p.ctype, "text/plain"):
			text = string(p.body)
		case strings.HasPrefix(p.ctype, "application/pdf"):
			pdf, pdfName = p.body, p.filename
		}
	}
	if !strings.Contains(html, "Pérez &lt;b&gt;Ñuñez&lt;/b&gt;") || strings.Contains(html, "<b>Ñuñez") {
		t.Errorf("HTML does not escape the data:\n%s", html)
	}
	if !strings.Contains(text, "Ana") || strings.Contains(text, "&lt;") {
		t.Errorf("text part: %q", text)
	}
	pdfName, _ = new(mime.WordDecoder).DecodeHeader(pdfName)
	if !strings.HasPrefix(pdfName, "101 - Ana Pérez") || !strings.HasSuffix(pdfName, ".pdf") || strings.ContainsAny(pdfName, "<>/") {
		t.Errorf("attachment name %q", pdfName)
	}
	checkPDF(t, pdf)

	// Planning again: both already have it, nothing goes twice.
	again, err := PlanLetters(ctx, st, c, req)
	if err != nil || len(again.Messages) != 0 || len(again.AlreadySent) != 2 {
		t.Fatalf("second plan: %d messages, %d already sent, %v", len(again.Messages), len(again.AlreadySent), err)
	}

	// José's new-user notice, filled from the suggested template when sent.
	notices, err := PendingNotices(ctx, st, c.ID)
	if err != nil || len(notices) != 1 {
		t.Fatalf("pending notices: %v %v", notices, err)
	}
	if rep, err := snd.Run(ctx, notices); err != nil || rep.Sent != 1 {
		t.Fatalf("notice: %+v %v", rep, err)
	}
	if ts.countTo("jose@example.cl") != 2 {
		t.Fatal("the notice did not arrive")
	}
	row, _ := st.OutboxByID(ctx, notices[0])
	if row.Subject != "Su usuario en el portal de residentes de Edificio Los Álamos" ||
		!strings.Contains(row.BodyText, "Hola José:") || !strings.Contains(row.BodyText, "jose@example.cl") ||
		!strings.Contains(row.BodyText, "https://portal.example.cl") || !strings.Contains(row.BodyHTML, "<strong>Depto 101</strong>") {
		t.Fatalf("notice as recorded: %q\n%s\n%s", row.Subject, row.BodyText, row.BodyHTML)
	}
	rows, _ := st.UserRows(ctx, c.ID)
	for _, r := range rows {
		if r.PersonID == ids["jose"] && (r.NoticeState != data.OutboxSent || r.LetterSentAt.IsZero()) {
			t.Fatalf("José's row: notice %q, letter %v", r.NoticeState, r.LetterSentAt)
		}
	}
}

// TestLettersResend: with Resend, who already got the letter gets it again,
// once per resend even if it is planned and queued twice before it goes;
// after it went, another resend goes again.
func TestLettersResend(t *testing.T) {
	ts := newTestServer(t).start()
	st, c, _ := lettersFixture(t)
	sec := configure(t, st, c, ts)
	ctx := context.Background()
	snd, err := NewSender(ctx, st, sec, c)
	if err != nil {
		t.Fatal(err)
	}
	snd.TLSConfig = ts.tlsConfig()
	send := func(req LetterRequest) (LetterPlan, Report) {
		t.Helper()
		plan, err := PlanLetters(ctx, st, c, req)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.QueueOutbox(ctx, plan.Messages)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.IDs) == 0 {
			return plan, Report{} // Run with no ids would send every pending message
		}
		rep, err := snd.Run(ctx, res.IDs)
		if err != nil {
			t.Fatal(err)
		}
		return plan, rep
	}
	req := LetterRequest{Recipients: letter.AllUsers}
	if _, rep := send(req); rep.Sent != 2 {
		t.Fatalf("first: %+v", rep)
	}
	// Without Resend nothing goes; with it, both again.
	if plan, rep := send(req); len(plan.Messages) != 0 || len(plan.AlreadySent) != 2 || rep.Sent != 0 {
		t.Fatalf("again without resend: %d messages, %+v", len(plan.Messages), rep)
	}
	req.Resend = true
	first, err := PlanLetters(ctx, st, c, req)
	if err != nil || len(first.Messages) != 2 || first.Resent != 2 || len(first.AlreadySent) != 2 {
		t.Fatalf("resend plan: %d messages, %d resent, %v", len(first.Messages), first.Resent, err)
	}
	// Queued, then planned and queued again before it went: still one each.
	if _, err := st.QueueOutbox(ctx, first.Messages); err != nil {
		t.Fatal(err)
	}
	plan, rep := send(req)
	if plan.Messages[0].DedupeKey != first.Messages[0].DedupeKey || rep.Sent != 2 {
		t.Fatalf("the same resend got a new key (%q, %q) or sent %+v", first.Messages[0].DedupeKey, plan.Messages[0].DedupeKey, rep)
	}
	if ts.countTo("ana@example.cl") != 2 || ts.countTo("jose@example.cl") != 2 {
		t.Fatalf("after one resend: ana %d, jose %d", ts.countTo("ana@example.cl"), ts.countTo("jose@example.cl"))
	}
	// A resend after that one went is a new one.
	if plan, rep := send(req); plan.Messages[0].DedupeKey == first.Messages[0].DedupeKey || rep.Sent != 2 {
		t.Fatalf("second resend: key %q, %+v", plan.Messages[0].DedupeKey, rep)
	}
	if ts.countTo("ana@example.cl") != 3 {
		t.Fatalf("after two resends: ana %d", ts.countTo("ana@example.cl"))
	}
}

func mustList(t *testing.T, st *data.Store, c data.Community, kind string) []data.OutboxMessage {
	t.Helper()
	ms, err := st.ListOutbox(context.Background(), c.ID, data.OutboxFilter{Kinds: []string{kind}})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestNoticeTemplateEditing(t *testing.T) {
	st, c := openStore(t)
	ctx := context.Background()
	tpl, own, err := Notice(ctx, st, c.ID)
	if err != nil || own || tpl != DefaultNotice() {
		t.Fatalf("default: %+v %v %v", tpl, own, err)
	}
	if err := SaveNotice(ctx, st, c.ID, letter.Template{Title: "Hola {nombres}", Body: "x"}); err == nil || !strings.Contains(err.Error(), "{nombres}") {
		t.Fatalf("unknown field accepted: %v", err)
	}
	// Only account holders get it: why someone has no account would be blank.
	if err := SaveNotice(ctx, st, c.ID, letter.Template{Title: "Bienvenido, {nombre}", Body: "Su usuario: {usuario}\nMotivo: {motivo_sin_cuenta}"}); err == nil ||
		!strings.Contains(err.Error(), "línea 2, columna 9: {motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}") {
		t.Fatalf("{motivo_sin_cuenta} accepted: %v", err)
	}
	if _, own, _ := Notice(ctx, st, c.ID); own {
		t.Fatal("a refused notice was saved")
	}
	if err := SaveNotice(ctx, st, c.ID, letter.Template{Title: "Bienvenido, {nombre}", Body: "Su unidad: {unidad}"}); err != nil {
		t.Fatal(err)
	}
	if tpl, own, _ = Notice(ctx, st, c.ID); !own || tpl.Title != "Bienvenido, {nombre}" {
		t.Fatalf("saved: %+v %v", tpl, own)
	}
	if err := RestoreNotice(ctx, st, c.ID); err != nil {
		t.Fatal(err)
	}
	if tpl, own, _ = Notice(ctx, st, c.ID); own || tpl != DefaultNotice() {
		t.Fatalf("restored: %+v %v", tpl, own)
	}
}

func TestSettingsValidation(t *testing.T) {
	st, c := openStore(t)
	ctx := context.Background()
	tests := []struct {
		key, value, wantErr string
	}{
		{KeyHost, "smtp.gmail.com", ""},
		{KeyPort, "465", ""},
		{KeyPort, "70000", "entre 1 y 65535"},
		{KeySecurity, "ssl", "use starttls, tls o none"},
		{KeySecurity, "none", "solo se puede enviar a un servidor en este equipo"},
		{KeySecurity, "tls", ""},
		{KeyFrom, "administracion@alamos.cl", ""},
		{KeyFrom, "no es correo", "no es válido"},
		{KeyBcc, "copia@alamos.cl", ""},
		{KeyRate, "-1", "mensajes por minuto"},
		{KeyRate, "20", ""},
		{"smtp.color", "azul", "clave desconocida"},
		{KeyPassword, "x", "entrada estándar"},
	}
	for _, tt := range tests {
		err := SetKey(ctx, st, c.ID, tt.key, tt.value)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("set %s %q: %v, want %q", tt.key, tt.value, err, tt.wantErr)
		}
	}
	s, err := LoadSettings(ctx, st, c.ID)
	if err != nil || s != (Settings{Host: "smtp.gmail.com", Port: 465, Security: TLS, From: "administracion@alamos.cl", Bcc: "copia@alamos.cl", RatePerMinute: 20}) {
		t.Fatalf("loaded: %+v %v", s, err)
	}
	// Nothing about the password reaches the settings table.
	all, _ := st.Settings(ctx, c.ID)
	for k := range all {
		if strings.Contains(k, "password") {
			t.Fatalf("a password key in the settings: %s", k)
		}
	}
	// none is fine for this machine.
	if err := SetKey(ctx, st, c.ID, KeyHost, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := SetKey(ctx, st, c.ID, KeySecurity, "none"); err != nil {
		t.Fatal(err)
	}
	if err := SetKey(ctx, st, c.ID, KeyHost, "smtp.gmail.com"); err == nil {
		t.Fatal("moved an unencrypted account to a remote host")
	}
}

// TestLettersPlanRefusesAFieldOfAnotherCase: a letter that prints
// {motivo_sin_cuenta} outside {si_sin_cuenta} (blank for Ana and José,
// who have or will have an account), or {usuario} outside the account
// sections, is not planned: the send refuses it, naming the line and column.
func TestLettersPlanRefusesAFieldOfAnotherCase(t *testing.T) {
	st, c, _ := lettersFixture(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, body, want string }{
		{"Motivo suelto", "Hola {nombre}.\nNo tiene cuenta porque {motivo_sin_cuenta}.\n",
			"línea 2, columna 24: {motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta la carta se lo dejaría en blanco"},
		{"Usuario suelto", "Hola {nombre}.\n{si_sin_cuenta}\nUsuario: {usuario}\n{fin_si}\n",
			"línea 3, columna 10: {usuario} fuera de una sección {si_cuenta} o {si_cuenta_por_crear}"},
	} {
		if _, err := st.SaveTemplate(ctx, data.Template{CommunityID: c.ID, Kind: data.TemplateLetter, Name: tc.name, Title: "Bienvenida", Body: tc.body}); err != nil {
			t.Fatal(err)
		}
		plan, err := PlanLetters(ctx, st, c, LetterRequest{Recipients: letter.AllUsers, Template: tc.name})
		if err == nil || !strings.Contains(err.Error(), tc.want) || len(plan.Messages) != 0 {
			t.Errorf("%s: %d messages, %v", tc.name, len(plan.Messages), err)
		}
	}
}

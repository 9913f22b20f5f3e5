package mailer

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/signintech/gopdf"

	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

func openStore(t testing.TB) (*data.Store, data.Community) {
	t.Helper()
	st := datatest.Open(t)
	c, err := st.CreateCommunity(context.Background(), "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	return st, c
}

// queue records n plain messages to r<i>@example.cl and returns their ids.
func queue(t testing.TB, st *data.Store, c data.Community, tag string, n int) []int64 {
	t.Helper()
	var msgs []data.OutboxMessage
	for i := 1; i <= n; i++ {
		text := fmt.Sprintf("Hola residente %d,\n\nbienvenido.", i)
		msgs = append(msgs, data.OutboxMessage{CommunityID: c.ID, Kind: data.OutboxLetter,
			DedupeKey: fmt.Sprintf("%s:%d", tag, i), ToAddr: fmt.Sprintf("r%d@example.cl", i), ToName: fmt.Sprintf("Residente %d", i),
			Subject: "Carta de bienvenida", BodyText: text, BodyHTML: TextToHTML(text)})
	}
	res, err := st.QueueOutbox(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	return res.IDs
}

func fastBackoff(int) time.Duration { return time.Millisecond }

func states(t *testing.T, st *data.Store, c data.Community) map[string]int {
	t.Helper()
	m, err := st.OutboxCounts(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// exactlyOnce checks that each of the n addresses got exactly one message.
func exactlyOnce(t *testing.T, ts *testServer, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if got := ts.countTo(fmt.Sprintf("r%d@example.cl", i)); got != 1 {
			t.Errorf("r%d@example.cl received %d messages, want exactly 1", i, got)
		}
	}
	if got := len(ts.messages()); got != n {
		t.Errorf("the server received %d messages, want %d", got, n)
	}
}

func TestSendParsesBack(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	acc := ts.account()
	acc.ReplyTo = "respuestas@alamos.cl"
	acc.Bcc = "copia@alamos.cl"
	pdf := makePDF(t)
	subject := "Bienvenida a Ñuñoa: ¿árbol, camión?"
	text := "Estimada Ana <b>Pérez</b> & familia,\n\nsu unidad es la «Depto 101»."
	res, err := st.QueueOutbox(context.Background(), []data.OutboxMessage{{CommunityID: c.ID, Kind: data.OutboxLetter,
		DedupeKey: "parse:1", ToAddr: "ana@example.cl", ToName: "Ana Pérez", Subject: subject, AttachPDF: true,
		BodyText: text, BodyHTML: TextToHTML(text)}})
	if err != nil {
		t.Fatal(err)
	}
	comp := composerFunc(func(ctx context.Context, m data.OutboxMessage) (Content, error) {
		return Content{ToAddr: m.ToAddr, ToName: m.ToName, Subject: m.Subject, HTML: m.BodyHTML, Text: m.BodyText, PDF: pdf, PDFName: "carta-depto-101.pdf"}, nil
	})
	var progress []Progress
	snd := &Sender{Store: st, Community: c.ID, Account: acc, TLSConfig: ts.tlsConfig(), Composer: comp,
		Progress: func(p Progress) { progress = append(progress, p) }}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 1 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	if len(progress) != 2 || progress[0] != (Progress{Total: 1}) || progress[1] != (Progress{Total: 1, Done: 1, Sent: 1, Current: "ana@example.cl"}) {
		t.Fatalf("progress: %+v", progress)
	}
	got := ts.messages()
	if len(got) != 1 {
		t.Fatalf("server got %d messages", len(got))
	}
	r := got[0]
	if r.from != "administracion@alamos.cl" || strings.Join(r.to, ",") != "ana@example.cl,copia@alamos.cl" {
		t.Fatalf("envelope: from %q to %v", r.from, r.to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(r.data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	h := func(k string) string {
		v, err := dec.DecodeHeader(msg.Header.Get(k))
		if err != nil {
			t.Fatalf("header %s: %v", k, err)
		}
		return v
	}
	if h("Subject") != subject {
		t.Errorf("Subject = %q, want %q", h("Subject"), subject)
	}
	if !strings.Contains(msg.Header.Get("Subject"), "=?UTF-8?") {
		t.Errorf("raw Subject %q is not encoded", msg.Header.Get("Subject"))
	}
	if from, _ := mail.ParseAddress(h("From")); from == nil || from.Name != "Administración Los Álamos" || from.Address != "administracion@alamos.cl" {
		t.Errorf("From = %q", h("From"))
	}
	if to, _ := mail.ParseAddress(h("To")); to == nil || to.Name != "Ana Pérez" || to.Address != "ana@example.cl" {
		t.Errorf("To = %q", h("To"))
	}
	if !strings.Contains(h("Reply-To"), "respuestas@alamos.cl") {
		t.Errorf("Reply-To = %q", h("Reply-To"))
	}
	if msg.Header.Get("Bcc") != "" {
		t.Errorf("the Bcc header travels: %q", msg.Header.Get("Bcc"))
	}
	if d, err := msg.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date = %q (%v)", msg.Header.Get("Date"), err)
	}
	row, _ := st.OutboxByID(context.Background(), res.IDs[0])
	if msg.Header.Get("Message-Id") != "<"+row.MessageID+">" || !strings.HasSuffix(row.MessageID, "@alamos.cl") {
		t.Errorf("Message-ID = %q, outbox has %q", msg.Header.Get("Message-Id"), row.MessageID)
	}
	if row.State != data.OutboxSent || row.SentAt.IsZero() || row.CommittedAt.IsZero() {
		t.Errorf("outbox row: %+v", row)
	}

	parts := walkParts(t, msg.Header.Get("Content-Type"), msg.Body)
	var plain, html string
	var attach []byte
	var attachName string
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p.ctype, "text/plain"):
			plain = string(p.body)
		case strings.HasPrefix(p.ctype, "text/html"):
			html = string(p.body)
		case strings.HasPrefix(p.ctype, "application/pdf"):
			attach, attachName = p.body, p.filename
		}
	}
	if strings.ReplaceAll(plain, "\r\n", "\n") != text {
		t.Errorf("text part = %q, want %q", plain, text)
	}
	if !strings.Contains(html, "Estimada Ana &lt;b&gt;Pérez&lt;/b&gt; &amp; familia,") || strings.Contains(html, "<b>") ||
		!strings.Contains(html, "<title>Bienvenida a Ñuñoa: ¿árbol, camión?</title>") {
		t.Errorf("HTML part not escaped as expected:\n%s", html)
	}
	if attachName != "carta-depto-101.pdf" || !bytes.Equal(attach, pdf) || !bytes.HasPrefix(attach, []byte("%PDF-")) {
		t.Fatalf("attachment %q: %d bytes, equal %v", attachName, len(attach), bytes.Equal(attach, pdf))
	}
	checkPDF(t, attach)
}

type composerFunc func(ctx context.Context, m data.OutboxMessage) (Content, error)

func (f composerFunc) Compose(ctx context.Context, m data.OutboxMessage) (Content, error) {
	return f(ctx, m)
}

type part struct {
	ctype, filename string
	body            []byte
}

// walkParts flattens a MIME tree, decoding each leaf's transfer encoding.
func walkParts(t *testing.T, ctype string, body io.Reader) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(body)
		return []part{{ctype: mt, body: b}}
	}
	var out []part
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := p.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/") {
			out = append(out, walkParts(t, ct, p)...)
			continue
		}
		var r io.Reader = p // quoted-printable is decoded by multipart itself
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, part{ctype: ct, filename: p.FileName(), body: b})
	}
}

// makePDF writes a one-page PDF with gopdf.
func makePDF(t *testing.T) []byte {
	t.Helper()
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.AddPage()
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkPDF reads the attachment back with pdfinfo when it is installed.
func checkPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.Contains(b, []byte("%%EOF")) {
		t.Fatal("the attachment has no PDF trailer")
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Log("pdfinfo not installed: checked the %PDF header and trailer only")
		return
	}
	f := filepath.Join(t.TempDir(), "adjunto.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", f).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Pages:") {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
}

func TestOneConnectionForTheBatch(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	queue(t, st, c, "batch", 20)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 20 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 20)
	if n := ts.connections(); n != 1 {
		t.Fatalf("%d connections for 20 messages, want 1", n)
	}
	// Sending again sends nothing: every message is already sent.
	queue(t, st, c, "batch", 20)
	if rep, err := snd.Run(context.Background(), nil); err != nil || rep.Sent != 0 {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 20)
}

func TestImplicitTLS(t *testing.T) {
	ts := newTestServer(t)
	ts.implicitTLS = true
	ts.start()
	st, c := openStore(t)
	queue(t, st, c, "tls", 2)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
	if rep, err := snd.Run(context.Background(), nil); err != nil || rep.Sent != 2 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 2)
}

func TestUntrustedCertificateIsAConnectError(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	queue(t, st, c, "cert", 1)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), MaxAttempts: 1} // no test CA
	_, err := snd.Run(context.Background(), nil)
	var ce *ConnectError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "no se pudo conectar con el servidor SMTP 127.0.0.1:") {
		t.Fatalf("err = %v", err)
	}
	if s := states(t, st, c); s[data.OutboxPending] != 1 || len(ts.messages()) != 0 {
		t.Fatalf("states %v, delivered %d", s, len(ts.messages()))
	}
}

func TestRefusedRecipientsFailOthersGo(t *testing.T) {
	ts := newTestServer(t)
	ts.onRcpt = func(to string) error {
		if to == "r2@example.cl" || to == "r4@example.cl" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox does not exist"}
		}
		return nil
	}
	ts.start()
	st, c := openStore(t)
	ids := queue(t, st, c, "refuse", 5)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 3 || rep.Failed != 2 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	for i, id := range ids {
		m, _ := st.OutboxByID(context.Background(), id)
		refused := i == 1 || i == 3
		if refused && (m.State != data.OutboxFailed || !strings.Contains(m.LastError, "550") || !strings.Contains(m.LastError, "Mailbox does not exist") || m.Attempts != 1) {
			t.Errorf("refused %s: %+v", m.ToAddr, m)
		}
		if !refused && m.State != data.OutboxSent {
			t.Errorf("%s: state %s", m.ToAddr, m.State)
		}
	}
	if ts.connections() != 1 {
		t.Errorf("a refusal reconnected: %d connections", ts.connections())
	}
}

func TestTemporaryFailureIsRetried(t *testing.T) {
	ts := newTestServer(t)
	seen := map[string]int{}
	ts.onRcpt = func(to string) error {
		seen[to]++
		if to == "r3@example.cl" && seen[to] <= 2 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
		}
		return nil
	}
	ts.start()
	st, c := openStore(t)
	ids := queue(t, st, c, "temp", 4)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig(), Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 4 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 4)
	m, _ := st.OutboxByID(context.Background(), ids[2])
	if m.Attempts != 3 || m.State != data.OutboxSent || m.LastError != "" {
		t.Fatalf("retried row: %+v", m)
	}
	// A server that keeps answering 4xx: the message fails after MaxAttempts.
	ts.onRcpt = func(to string) error {
		return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"}
	}
	ids = queue(t, st, c, "full", 1)
	rep, err = snd.Run(context.Background(), nil)
	m, _ = st.OutboxByID(context.Background(), ids[0])
	if err != nil || rep.Failed != 1 || m.State != data.OutboxFailed || m.Attempts != 4 || !strings.Contains(m.LastError, "452") {
		t.Fatalf("always 4xx: %+v %v %+v", rep, err, m)
	}
}

func TestDroppedConnectionMidBatch(t *testing.T) {
	ts := newTestServer(t)
	// The 4th transaction: the server hangs up on MAIL FROM.
	ts.onMail = func(n int) (bool, error) { return n == 4, nil }
	ts.start()
	st, c := openStore(t)
	queue(t, st, c, "drop", 8)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig(), Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 8 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 8)
	if ts.connections() != 2 {
		t.Fatalf("%d connections, want 2 (one reconnection)", ts.connections())
	}
}

func TestDropAfterTheFinalDotIsNotResent(t *testing.T) {
	ts := newTestServer(t)
	// The server keeps the 3rd message and hangs up before answering: the
	// sender cannot know it arrived, so it must not send it again.
	ts.onData = func(n int) (bool, error) { return n == 3, nil }
	ts.start()
	st, c := openStore(t)
	ids := queue(t, st, c, "dot", 5)
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig(), Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 4 || rep.Failed != 1 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 5)
	m, _ := st.OutboxByID(context.Background(), ids[2])
	if m.State != data.OutboxFailed || !strings.HasPrefix(m.LastError, data.OutboxInterrupted) {
		t.Fatalf("uncertain row: %+v", m)
	}
}

func TestWrongPasswordStopsTheBatch(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	queue(t, st, c, "auth", 3)
	acc := ts.account()
	acc.Password = "equivocada"
	snd := &Sender{Store: st, Community: c.ID, Account: acc, TLSConfig: ts.tlsConfig(), Backoff: fastBackoff}
	_, err := snd.Run(context.Background(), nil)
	var ae *AuthError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "rechazó el usuario o la contraseña") || !strings.Contains(err.Error(), "535") {
		t.Fatalf("err = %v", err)
	}
	if s := states(t, st, c); s[data.OutboxPending] != 3 || len(ts.messages()) != 0 || ts.connections() != 1 {
		t.Fatalf("states %v, delivered %d, connections %d", s, len(ts.messages()), ts.connections())
	}
	// With the right password the same messages go, once.
	snd.Account.Password = ts.password
	if rep, err := snd.Run(context.Background(), nil); err != nil || rep.Sent != 3 {
		t.Fatalf("after fixing the password: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 3)
}

func TestCancelThenResume(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	ids := queue(t, st, c, "cancel", 10)
	ctx, cancel := context.WithCancel(context.Background())
	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig(),
		Progress: func(p Progress) {
			if p.Done == 4 {
				cancel()
			}
		}}
	rep, err := snd.Run(ctx, ids)
	if !errors.Is(err, context.Canceled) || rep.Sent != 4 || rep.Cancelled != 6 {
		t.Fatalf("cancelled run: %+v %v", rep, err)
	}
	if s := states(t, st, c); s[data.OutboxSent] != 4 || s[data.OutboxCancelled] != 6 {
		t.Fatalf("after cancel: %v", s)
	}
	// Sending the same batch again arms the cancelled ones; sent ones stay.
	res, err := st.QueueOutbox(context.Background(), rowsOf(t, st, ids))
	if err != nil || res.Requeued != 6 || res.Already != 4 {
		t.Fatalf("requeue: %+v %v", res, err)
	}
	snd.Progress = nil
	if rep, err := snd.Run(context.Background(), res.IDs); err != nil || rep.Sent != 6 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 10)
}

func rowsOf(t *testing.T, st *data.Store, ids []int64) []data.OutboxMessage {
	t.Helper()
	var out []data.OutboxMessage
	for _, id := range ids {
		m, err := st.OutboxByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestResumeAfterStateLeftSending(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	ctx := context.Background()
	ids := queue(t, st, c, "crash", 6)
	// A sender on this machine claimed two rows and died: one before the end
	// of its message, one right after writing it.
	dead := fmt.Sprintf("%s:%d:deadbeef", hostname, deadPID(t))
	if _, _, err := st.AcquireOutbox(ctx, c.ID, dead, nil); err != nil {
		t.Fatal(err)
	}
	a, _, _ := st.ClaimOutbox(ctx, c.ID, nil)
	b, _, _ := st.ClaimOutbox(ctx, c.ID, nil)
	if err := st.MarkOutbox(ctx, b.ID, 0, nil); err != nil {
		t.Fatal(err)
	}
	ts.mu.Lock()
	ts.received = append(ts.received, received{to: []string{b.ToAddr}}) // the server did get it
	ts.mu.Unlock()

	snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
	rep, err := snd.Run(ctx, nil)
	if err != nil || rep.Recovered != 1 || rep.Interrupted != 1 || rep.Sent != 5 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	exactlyOnce(t, ts, 6)
	ma, _ := st.OutboxByID(ctx, a.ID)
	mb, _ := st.OutboxByID(ctx, b.ID)
	if ma.State != data.OutboxSent || mb.State != data.OutboxFailed || mb.LastError != data.OutboxInterrupted {
		t.Fatalf("a %+v\nb %+v", ma, mb)
	}
	_ = ids
}

// deadPID is the id of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestLiveSenderKeepsTheLock(t *testing.T) {
	st, c := openStore(t)
	ctx := context.Background()
	other := lockOwner() // this process: alive
	if _, _, err := st.AcquireOutbox(ctx, c.ID, other, takeOver); err != nil {
		t.Fatal(err)
	}
	queue(t, st, c, "busy", 1)
	snd := &Sender{Store: st, Community: c.ID, Account: Account{Settings: Settings{Host: "127.0.0.1", Port: 1, Security: None, From: "a@alamos.cl"}}}
	if _, err := snd.Run(ctx, nil); !errors.Is(err, data.ErrOutboxBusy) {
		t.Fatalf("second sender: %v", err)
	}
}

func TestRateLimitSpacesMessages(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	queue(t, st, c, "rate", 3)
	acc := ts.account()
	acc.RatePerMinute = 600 // one every 100 ms
	snd := &Sender{Store: st, Community: c.ID, Account: acc, TLSConfig: ts.tlsConfig()}
	start := time.Now()
	if rep, err := snd.Run(context.Background(), nil); err != nil || rep.Sent != 3 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	// A lower bound only: the limiter must have waited between messages.
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("3 messages at 600/min took %v, want at least 200ms", el)
	}
}

func TestSendTest(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	if err := SendTest(context.Background(), st, c, ts.account(), "", ts.tlsConfig()); err != nil {
		t.Fatal(err)
	}
	if ts.countTo("administracion@alamos.cl") != 1 {
		t.Fatal("the test message did not reach the sender's own address")
	}
	ts.onRcpt = func(string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relay denied"}
	}
	err := SendTest(context.Background(), st, c, ts.account(), "otra@example.cl", ts.tlsConfig())
	if err == nil || !strings.Contains(err.Error(), "Relay denied") {
		t.Fatalf("refused test: %v", err)
	}
}

// The test email does not wait for the outbox: another sender holding it
// (a batch on another machine) and notices pending do not hold it back, and
// the pending ones stay as they were.
func TestSendTestIgnoresTheOutboxLock(t *testing.T) {
	ts := newTestServer(t).start()
	st, c := openStore(t)
	queue(t, st, c, "pend", 2)
	ctx := context.Background()
	if _, _, err := st.AcquireOutbox(ctx, c.ID, "otra-maquina:1:abc", nil); err != nil {
		t.Fatal(err)
	}
	if err := SendTest(ctx, st, c, ts.account(), "prueba@example.cl", ts.tlsConfig()); err != nil {
		t.Fatalf("test email with the outbox held: %v", err)
	}
	if n := len(ts.messages()); ts.countTo("prueba@example.cl") != 1 || n != 1 {
		t.Fatalf("delivered: test %d, total %d", ts.countTo("prueba@example.cl"), n)
	}
	ms, err := st.ListOutbox(ctx, c.ID, data.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, m := range ms {
		states[m.Kind+"/"+m.State]++
	}
	if states[data.OutboxTest+"/"+data.OutboxSent] != 1 || states[data.OutboxLetter+"/"+data.OutboxPending] != 2 || len(ms) != 3 {
		t.Fatalf("outbox after the test: %v", states)
	}
}

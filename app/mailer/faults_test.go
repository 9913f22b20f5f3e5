package mailer

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"comunidad/app/mailer/mailtest"
	"comunidad/data"
)

// faultAccount is the settings for a mailtest server (no TLS: 127.0.0.1 only).
func faultAccount(srv *mailtest.Server) Account {
	return Account{Settings: Settings{Host: "127.0.0.1", Port: srv.Port, Security: None, Username: "oficina",
		From: "administracion@alamos.cl", FromName: `Administración "Los Álamos"`}, Password: "clave ñ"}
}

// deliveries is how many messages each of r1..rn received.
func deliveries(srv *mailtest.Server, n int) []int {
	got := make([]int, n)
	for i := range got {
		got[i] = srv.Count(fmt.Sprintf("r%d@example.cl", i+1))
	}
	return got
}

func wantDeliveries(t *testing.T, srv *mailtest.Server, want ...int) {
	t.Helper()
	if got := deliveries(srv, len(want)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("deliveries per recipient r1..r%d = %v, want %v", len(want), got, want)
	}
}

// The faulty server scenarios of issue 14, on one reused connection: a
// message taken and the connection dropped before the answer, one refused
// at the end of DATA by a server that keeps the transaction until RSET, one
// deferred with 451. Nobody gets the letter twice unless it is asked for
// that recipient.
func TestFaultyServerExactlyOnce(t *testing.T) {
	srv := mailtest.Start(t, "oficina", "clave ñ")
	st, c := openStore(t)
	ids := queue(t, st, c, "fault", 6)
	srv.Fail("r2@example.cl", mailtest.Drop)
	srv.Fail("r3@example.cl", mailtest.Reject)
	srv.Fail("r4@example.cl", mailtest.Defer)
	snd := &Sender{Store: st, Community: c.ID, Account: faultAccount(srv), Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 4 || rep.Failed != 2 {
		t.Fatalf("report %+v, want 4 sent (r4 after its 451), 2 failed", rep)
	}
	// r2 has it (the server took it), r3 was refused, r4 went on its second try.
	wantDeliveries(t, srv, 1, 1, 0, 1, 1, 1)
	if n := srv.Nested(); n != 0 {
		t.Fatalf("%d MAIL commands came without RSET after the refusal", n)
	}
	rows := rowsOf(t, st, ids)
	if !rows[1].Uncertain() || rows[2].Uncertain() || rows[2].State != data.OutboxFailed || !strings.HasPrefix(rows[2].LastError, "554") {
		t.Fatalf("r2 should be uncertain and r3 a definite failure: %+v / %+v", rows[1], rows[2])
	}

	// Sending the same letters again queues nothing: r2 may have it.
	res, err := st.QueueOutbox(context.Background(), []data.OutboxMessage{{CommunityID: c.ID, Kind: data.OutboxLetter,
		DedupeKey: "fault:2", ToAddr: "r2@example.cl", Subject: "Carta", BodyText: "otra vez"}})
	if err != nil || res.Already != 1 || res.Requeued != 0 {
		t.Fatalf("queuing the uncertain one again: %+v %v", res, err)
	}

	// «outbox --retry»: the definite failure only.
	again, err := st.RetryOutbox(context.Background(), c.ID, nil)
	if err != nil || len(again) != 1 || again[0] != ids[2] {
		t.Fatalf("retry armed %v (%v), want only r3's %d", again, err, ids[2])
	}
	if rep, err = snd.Run(context.Background(), nil); err != nil || rep.Sent != 1 {
		t.Fatalf("retry run: %+v %v", rep, err)
	}
	wantDeliveries(t, srv, 1, 1, 1, 1, 1, 1)
	if u, err := st.ListOutbox(context.Background(), c.ID, data.OutboxFilter{Uncertain: true}); err != nil || len(u) != 1 || u[0].ID != ids[1] {
		t.Fatalf("uncertain list: %+v %v", u, err)
	}

	// The administrator checked with r2, who did not get it, and asks for it.
	if ok, err := st.RetryUncertainOutbox(context.Background(), c.ID, ids[1]); err != nil || !ok {
		t.Fatalf("retry uncertain: %v %v", ok, err)
	}
	if ok, _ := st.RetryUncertainOutbox(context.Background(), c.ID, ids[0]); ok {
		t.Fatal("a sent message was armed as uncertain")
	}
	if rep, err = snd.Run(context.Background(), nil); err != nil || rep.Sent != 1 {
		t.Fatalf("uncertain run: %+v %v", rep, err)
	}
	wantDeliveries(t, srv, 1, 2, 1, 1, 1, 1)
	if again, err := st.RetryOutbox(context.Background(), c.ID, nil); err != nil || len(again) != 0 {
		t.Fatalf("nothing is left to retry: %v %v", again, err)
	}
}

// Without RSET the refusal at the end of DATA poisons the connection: the
// mailtest server holds that (this is what happened before issue 14).
func TestRejectAtEndOfDataThenNextMessage(t *testing.T) {
	srv := mailtest.Start(t, "oficina", "clave ñ")
	st, c := openStore(t)
	queue(t, st, c, "rej", 4)
	srv.Fail("r1@example.cl", mailtest.Reject)
	srv.Fail("r3@example.cl", mailtest.Reject)
	snd := &Sender{Store: st, Community: c.ID, Account: faultAccount(srv), Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != 2 || rep.Failed != 2 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	wantDeliveries(t, srv, 0, 1, 0, 1)
	if srv.Nested() != 0 {
		t.Fatalf("nested MAIL: %d", srv.Nested())
	}
}

// Display names are written as RFC 5322 wants them, whatever Kastor holds:
// quotes, backslashes, commas, accents, a line break.
func TestDisplayNamesAndMailDetails(t *testing.T) {
	names := []string{`Raúl "Toto" Soto`, `Pérez, María \ Ana`, "José\r\nBcc: x@evil.cl", `"`, ""}
	srv := mailtest.Start(t, "oficina", "clave ñ")
	st, c := openStore(t)
	var msgs []data.OutboxMessage
	for i, n := range names {
		msgs = append(msgs, data.OutboxMessage{CommunityID: c.ID, Kind: data.OutboxLetter, DedupeKey: fmt.Sprint("name:", i),
			ToAddr: fmt.Sprintf("r%d@example.cl", i+1), ToName: n, BodyText: "Hola",
			Subject: "Bienvenida al portal de residentes del Condominio Parque Ñuñoa: su usuario y cómo ingresar por primera vez"})
	}
	if _, err := st.QueueOutbox(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	pdf := makePDF(t)
	comp := composerFunc(func(ctx context.Context, m data.OutboxMessage) (Content, error) {
		return Content{ToAddr: m.ToAddr, ToName: m.ToName, Subject: m.Subject, Text: m.BodyText, PDF: pdf, PDFName: "A-101 - Raúl Ñúñez «Toto».pdf"}, nil
	})
	snd := &Sender{Store: st, Community: c.ID, Account: faultAccount(srv), Composer: comp, Backoff: fastBackoff}
	rep, err := snd.Run(context.Background(), nil)
	if err != nil || rep.Sent != len(names) {
		t.Fatalf("run: %+v %v", rep, err)
	}
	wantDeliveries(t, srv, 1, 1, 1, 1, 1)
	dec := new(mime.WordDecoder)
	for i, n := range names {
		raw := srv.Messages(fmt.Sprintf("r%d@example.cl", i+1))[0]
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		want := strings.Join(strings.Fields(n), " ")
		if err != nil || len(to) != 1 || to[0].Name != want || to[0].Address != fmt.Sprintf("r%d@example.cl", i+1) {
			t.Errorf("To %q parses as %v (%v), want name %q", msg.Header.Get("To"), to, err, want)
		}
		if msg.Header.Get("Bcc") != "" {
			t.Errorf("a name injected a header: %q", msg.Header.Get("Bcc"))
		}
		from, err := msg.Header.AddressList("From")
		if err != nil || from[0].Name != `Administración "Los Álamos"` {
			t.Errorf("From %q: %v %v", msg.Header.Get("From"), from, err)
		}
		if i > 0 {
			continue
		}
		// Subject: folded, the first word on the header's own line, no line
		// longer than 76 characters, decoding to the text.
		head := string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))])
		start := strings.Index(head, "Subject:")
		lines := []string{head[start : strings.Index(head[start:], "\r\n")+start]}
		for rest := head[start+len(lines[0])+2:]; strings.HasPrefix(rest, " "); {
			end := strings.Index(rest, "\r\n")
			if end < 0 {
				end = len(rest)
			}
			lines = append(lines, rest[:end])
			rest = rest[min(end+2, len(rest)):]
		}
		if strings.TrimSpace(strings.TrimPrefix(lines[0], "Subject:")) == "" || len(lines) < 2 {
			t.Errorf("Subject folded with an empty first line or not folded: %q", lines)
		}
		for _, l := range lines {
			if len(l) > 76 {
				t.Errorf("Subject line of %d characters: %q", len(l), l)
			}
		}
		if got, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || got != msgs[0].Subject {
			t.Errorf("Subject decodes to %q (%v)", got, err)
		}
		// The attachment's name: RFC 2231 with an ASCII fallback.
		if !strings.Contains(string(raw), "filename*=UTF-8''A-101%20-%20Ra%C3%BAl%20%C3%91%C3%BA%C3%B1ez%20%C2%ABToto%C2%BB.pdf") {
			t.Errorf("no RFC 2231 filename in:\n%s", raw)
		}
		_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		mr := multipart.NewReader(msg.Body, params["boundary"])
		found := false
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FileName() != "" {
				found = true
				if p.FileName() != "A-101 - Raúl Ñúñez «Toto».pdf" {
					t.Errorf("attachment name %q", p.FileName())
				}
				if !strings.Contains(p.Header.Get("Content-Disposition"), `filename="A-101 - Raul Nunez _Toto_.pdf"`) {
					t.Errorf("ASCII fallback: %q", p.Header.Get("Content-Disposition"))
				}
			}
		}
		if !found {
			t.Error("no attachment")
		}
	}
}

func TestFoldHeader(t *testing.T) {
	for _, s := range []string{"", "Carta", "Bienvenida a Ñuñoa", strings.Repeat("ñ", 200), strings.Repeat("palabra ", 30), "=?UTF-8?q?no?="} {
		v := FoldHeader(len("Subject: "), s)
		lines := strings.Split("Subject: "+v, "\r\n")
		for i, l := range lines {
			if len(l) > 76 && strings.Contains(l, " ") {
				t.Errorf("%q: line %d has %d characters", s, i, len(l))
			}
			if i > 0 && !strings.HasPrefix(l, " ") {
				t.Errorf("%q: continuation without a space: %q", s, l)
			}
		}
		if s != "" && strings.TrimSpace(strings.TrimPrefix(lines[0], "Subject:")) == "" {
			t.Errorf("%q: empty first line", s)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(strings.ReplaceAll(v, "\r\n ", " "))
		if want := strings.Join(strings.Fields(s), " "); err != nil || got != want {
			t.Errorf("%q decodes to %q (%v)", s, got, err)
		}
	}
}

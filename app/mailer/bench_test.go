package mailer

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSend1000Letters sends 1,000 letters (STARTTLS + AUTH PLAIN, the
// outbox bookkept for each) to a local server twice per iteration: on one
// reused connection, and with one connection per message; it reports both
// rates and the speed-up, measured in the same run.
//
//	go test -tags migrated_fynedo -run '^$' -bench Send1000 -benchtime 1x ./app/mailer/
func BenchmarkSend1000Letters(b *testing.B) {
	const n = 1000
	ts := newTestServer(b).start()
	st, c := openStore(b)
	var reuse, perMsg time.Duration
	for i := 0; i < b.N; i++ {
		for _, oneEach := range []bool{false, true} {
			ids := queue(b, st, c, fmt.Sprintf("bench:%d:%v", i, oneEach), n)
			snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig(), OneConnectionPerMessage: oneEach}
			start := time.Now()
			rep, err := snd.Run(context.Background(), ids)
			el := time.Since(start)
			if err != nil || rep.Sent != n {
				b.Fatalf("run: %+v %v", rep, err)
			}
			if oneEach {
				perMsg += el
			} else {
				reuse += el
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/reuse.Seconds(), "msgs/s-reused")
	b.ReportMetric(float64(n*b.N)/perMsg.Seconds(), "msgs/s-per-message")
	b.ReportMetric(perMsg.Seconds()/reuse.Seconds(), "speedup")
}

// BenchmarkSend1000LettersDistantServer sends 1,000 letters on one
// connection to a server that answers MAIL, RCPT and the end of DATA 1 ms
// late each, as a mail server across a network does (real ones take
// longer): the bookkeeping of each message (its commit mark, the one
// before it recorded as sent) is written while the server answers, so the
// rate is the server's on both engines.
//
//	go test -tags migrated_fynedo -run '^$' -bench Send1000LettersDistant -benchtime 1x ./app/mailer/
func BenchmarkSend1000LettersDistantServer(b *testing.B) {
	const n = 1000
	const reply = time.Millisecond
	ts := newTestServer(b)
	ts.onMail = func(int) (bool, error) { time.Sleep(reply); return false, nil }
	ts.onRcpt = func(string) error { time.Sleep(reply); return nil }
	ts.onData = func(int) (bool, error) { time.Sleep(reply); return false, nil }
	ts.start()
	st, c := openStore(b)
	var took time.Duration
	for i := 0; i < b.N; i++ {
		ids := queue(b, st, c, fmt.Sprintf("distant:%d", i), n)
		snd := &Sender{Store: st, Community: c.ID, Account: ts.account(), TLSConfig: ts.tlsConfig()}
		start := time.Now()
		rep, err := snd.Run(context.Background(), ids)
		took += time.Since(start)
		if err != nil || rep.Sent != n {
			b.Fatalf("run: %+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/took.Seconds(), "msgs/s")
}

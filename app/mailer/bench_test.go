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

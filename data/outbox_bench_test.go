package data

import (
	"context"
	"testing"
)

// BenchmarkOutboxBookkeeping is what a batch writes per message, without
// the mail: a claim of eight ahead, then per message its mark with the
// one before it recorded as sent (MarkOutbox), on the engine of the pass.
//
//	go test -tags migrated_fynedo -run '^$' -bench OutboxBookkeeping ./data/
func BenchmarkOutboxBookkeeping(b *testing.B) {
	s, c, unit, person := outboxFixture(b)
	ctx := context.Background()
	msgs := make([]OutboxMessage, b.N)
	for i := range msgs {
		msgs[i] = letterMsg(c, unit, person, i)
	}
	res, err := s.QueueOutbox(ctx, msgs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var sent int64
	for i := 0; i < len(res.IDs); i += 8 {
		got, err := s.ClaimOutboxBatch(ctx, c, res.IDs[i:min(i+8, len(res.IDs))])
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range got {
			if err := s.MarkOutbox(ctx, m.ID, sent, nil); err != nil {
				b.Fatal(err)
			}
			sent = m.ID
		}
	}
	if err := s.FinishOutbox(ctx, sent, OutboxSent, ""); err != nil {
		b.Fatal(err)
	}
}

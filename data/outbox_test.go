package data

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"comunidad/internal/enginetest"
)

// outboxFixture makes a community with one unit and one person.
func outboxFixture(t testing.TB) (*Store, int64, int64, int64) {
	t.Helper()
	s := openTemp(t)
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	unit, err := insertID(ctx, s.w, `INSERT INTO units (community_id, code, name) VALUES (?, 'D-101', 'Depto 101')`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	person, err := insertID(ctx, s.w, `INSERT INTO people (community_id, first_names, last_names, email, origin) VALUES (?, 'Ana', 'Pérez', 'ana@example.cl', 'local')`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO memberships (unit_id, person_id, role, origin) VALUES (?, ?, 'additional', 'local')`, unit, person); err != nil {
		t.Fatal(err)
	}
	return s, c.ID, unit, person
}

func letterMsg(c, unit, person int64, n int) OutboxMessage {
	return OutboxMessage{CommunityID: c, Kind: OutboxLetter, DedupeKey: fmt.Sprintf("letter:%d:%d:%d", c, unit, n),
		PersonID: person, UnitID: unit, ToAddr: fmt.Sprintf("r%d@example.cl", n), ToName: "Residente", Subject: "Bienvenida"}
}

func TestQueueOutboxIsIdempotent(t *testing.T) {
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	msgs := []OutboxMessage{letterMsg(c, unit, person, 1), letterMsg(c, unit, person, 2)}
	res, err := s.QueueOutbox(ctx, msgs)
	if err != nil || res.Queued != 2 || len(res.IDs) != 2 {
		t.Fatalf("first queue: %+v, %v", res, err)
	}
	res2, err := s.QueueOutbox(ctx, msgs)
	if err != nil || res2.Queued != 0 || res2.Already != 2 || res2.IDs[0] != res.IDs[0] {
		t.Fatalf("second queue: %+v, %v", res2, err)
	}
	// Sent stays sent; failed is armed again with the new content.
	if err := s.FinishOutbox(ctx, res.IDs[0], OutboxSent, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishOutbox(ctx, res.IDs[1], OutboxFailed, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	msgs[1].Subject = "Bienvenida (corregida)"
	res3, err := s.QueueOutbox(ctx, msgs)
	if err != nil || res3.Already != 1 || res3.Requeued != 1 || res3.States[0] != OutboxSent || res3.States[1] != OutboxPending {
		t.Fatalf("third queue: %+v, %v", res3, err)
	}
	m, err := s.OutboxByID(ctx, res.IDs[1])
	if err != nil || m.State != OutboxPending || m.Subject != "Bienvenida (corregida)" || m.LastError != "" || m.UnitCode != "D-101" {
		t.Fatalf("requeued row: %+v, %v", m, err)
	}
	// A bad message rolls the whole batch back.
	bad := []OutboxMessage{letterMsg(c, unit, person, 3), {CommunityID: c, Kind: "fax", DedupeKey: "x", ToAddr: "a@b.cl"}}
	if _, err := s.QueueOutbox(ctx, bad); err == nil {
		t.Fatal("queued an unknown kind")
	}
	if got, _ := s.ListOutbox(ctx, c, OutboxFilter{}); len(got) != 2 {
		t.Fatalf("after a failed batch: %d rows, want 2", len(got))
	}
}

func TestClaimCommitFinish(t *testing.T) {
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	var msgs []OutboxMessage
	for i := 1; i <= 3; i++ {
		msgs = append(msgs, letterMsg(c, unit, person, i))
	}
	res, err := s.QueueOutbox(ctx, msgs)
	if err != nil {
		t.Fatal(err)
	}
	// only restricts the claim to the given rows, oldest first.
	m, ok, err := s.ClaimOutbox(ctx, c, []int64{res.IDs[2], res.IDs[1]})
	if err != nil || !ok || m.ID != res.IDs[1] || m.State != OutboxSending || m.Attempts != 1 {
		t.Fatalf("claim: %+v %v %v", m, ok, err)
	}
	if err := s.MarkOutbox(ctx, m.ID, 0, &OutboxContent{Subject: "Asunto", HTML: "<p>x</p>", Text: "x", MessageID: "id@alamos.cl"}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishOutbox(ctx, m.ID, OutboxSent, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutbox(ctx, m.ID, 0, nil); err == nil {
		t.Fatal("committed a message that is no longer being sent")
	}
	got, _ := s.OutboxByID(ctx, m.ID)
	if got.State != OutboxSent || got.SentAt.IsZero() || got.CommittedAt.IsZero() || got.Subject != "Asunto" || got.MessageID != "id@alamos.cl" {
		t.Fatalf("after sent: %+v", got)
	}
	// A temporary failure puts it back to pending, keeping the answer.
	m2, _, _ := s.ClaimOutbox(ctx, c, nil)
	if m2.ID != res.IDs[0] {
		t.Fatalf("claimed %d, want the oldest %d", m2.ID, res.IDs[0])
	}
	if err := s.FinishOutbox(ctx, m2.ID, OutboxPending, "451 try later"); err != nil {
		t.Fatal(err)
	}
	m3, _, _ := s.ClaimOutbox(ctx, c, nil)
	if m3.ID != m2.ID || m3.Attempts != 2 || m3.LastError != "451 try later" {
		t.Fatalf("reclaimed: %+v", m3)
	}
	if err := s.FinishOutbox(ctx, m3.ID, "bogus", ""); err == nil {
		t.Fatal("accepted a bogus state")
	}
	counts, err := s.OutboxCounts(ctx, c)
	if err != nil || counts[OutboxSent] != 1 || counts[OutboxSending] != 1 || counts[OutboxPending] != 1 {
		t.Fatalf("counts: %v %v", counts, err)
	}
}

func stale(holder string, beat time.Time) bool { return time.Since(beat) > time.Minute }

func TestAcquireOutboxRecoversAfterCrash(t *testing.T) {
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	res, err := s.QueueOutbox(ctx, []OutboxMessage{letterMsg(c, unit, person, 1), letterMsg(c, unit, person, 2), letterMsg(c, unit, person, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AcquireOutbox(ctx, c, "dead", stale); err != nil {
		t.Fatal(err)
	}
	// The dead sender had claimed two rows; the server may have the second one.
	a, _, _ := s.ClaimOutbox(ctx, c, nil)
	b, _, _ := s.ClaimOutbox(ctx, c, nil)
	if err := s.MarkOutbox(ctx, b.ID, 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AcquireOutbox(ctx, c, "alive", stale); !errors.Is(err, ErrOutboxBusy) {
		t.Fatalf("second sender while the first is fresh: %v", err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE outbox_lock SET heartbeat = ?`, FormatTime(time.Now().Add(-2*time.Minute))); err != nil {
		t.Fatal(err)
	}
	requeued, interrupted, err := s.AcquireOutbox(ctx, c, "alive", stale)
	if err != nil || requeued != 1 || interrupted != 1 {
		t.Fatalf("take over: %d %d %v", requeued, interrupted, err)
	}
	ga, _ := s.OutboxByID(ctx, a.ID)
	gb, _ := s.OutboxByID(ctx, b.ID)
	if ga.State != OutboxPending || gb.State != OutboxFailed || gb.LastError != OutboxInterrupted {
		t.Fatalf("recovered: a %s, b %s %q", ga.State, gb.State, gb.LastError)
	}
	if err := s.HeartbeatOutbox(ctx, c, "alive"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseOutbox(ctx, c, "alive"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AcquireOutbox(ctx, c, "other", stale); err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = res
}

func TestCancelRetryAndList(t *testing.T) {
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	res, err := s.QueueOutbox(ctx, []OutboxMessage{letterMsg(c, unit, person, 1), letterMsg(c, unit, person, 2), letterMsg(c, unit, person, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishOutbox(ctx, res.IDs[0], OutboxFailed, "550 5.1.1 no existe"); err != nil {
		t.Fatal(err)
	}
	n, err := s.CancelOutbox(ctx, c, res.IDs[1:2])
	if err != nil || n != 1 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	failed, err := s.ListOutbox(ctx, c, OutboxFilter{States: []string{OutboxFailed, OutboxCancelled}})
	if err != nil || len(failed) != 2 || failed[0].ID != res.IDs[1] {
		t.Fatalf("list failed: %+v %v", failed, err)
	}
	if got, _ := s.ListOutbox(ctx, c, OutboxFilter{Limit: 1}); len(got) != 1 || got[0].ID != res.IDs[2] {
		t.Fatalf("newest first with a limit: %+v", got)
	}
	ids, err := s.RetryOutbox(ctx, c, nil)
	if err != nil || len(ids) != 2 {
		t.Fatalf("retry: %v %v", ids, err)
	}
	counts, _ := s.OutboxCounts(ctx, c)
	if counts[OutboxPending] != 3 {
		t.Fatalf("after retry: %v", counts)
	}
	// The Unidades/Usuarios listing shows the letter sent and the notice state.
	if err := s.FinishOutbox(ctx, res.IDs[0], OutboxSent, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueOutbox(ctx, []OutboxMessage{{CommunityID: c, Kind: OutboxNewUser, DedupeKey: fmt.Sprintf("new_user:%d:%d", c, person),
		PersonID: person, UnitID: unit, ToAddr: "ana@example.cl"}}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.UserRows(ctx, c)
	if err != nil || len(rows) != 1 || rows[0].LetterSentAt.IsZero() || rows[0].NoticeState != OutboxPending {
		t.Fatalf("user rows: %+v %v", rows, err)
	}
}

func TestNoticeTemplate(t *testing.T) {
	s, c, _, _ := outboxFixture(t)
	ctx := context.Background()
	if _, _, ok, err := s.NoticeTemplate(ctx, c); ok || err != nil {
		t.Fatalf("before saving: %v %v", ok, err)
	}
	if err := s.SaveNoticeTemplate(ctx, c, "Bienvenido a {{comunidad}}", "Hola"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveNoticeTemplate(ctx, c, "Asunto nuevo", "Cuerpo"); err != nil {
		t.Fatal(err)
	}
	sub, body, ok, err := s.NoticeTemplate(ctx, c)
	if err != nil || !ok || sub != "Asunto nuevo" || body != "Cuerpo" {
		t.Fatalf("saved: %q %q %v %v", sub, body, ok, err)
	}
	if err := s.DeleteNoticeTemplate(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := s.NoticeTemplate(ctx, c); ok {
		t.Fatal("still there after delete")
	}
}

// On the office database, a message asked for by id while another desktop
// holds its row (queuing the same letters again) is waited for and
// claimed, not skipped: skipped, it would be left out of the batch.
func TestClaimByIDWaitsForAQueuingDesktop(t *testing.T) {
	enginetest.PostgresOnly(t)
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	res, err := s.QueueOutbox(ctx, []OutboxMessage{letterMsg(c, unit, person, 1)})
	if err != nil {
		t.Fatal(err)
	}
	other, err := OpenPostgres(ctx, s.Source())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() // a failure below lets go of the row (after Commit, nothing to do)
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET subject = 'otro' WHERE id = ?`, res.IDs[0]); err != nil {
		t.Fatal(err)
	}
	type claim struct {
		ok  bool
		err error
	}
	done := make(chan claim, 1)
	go func() {
		_, ok, err := s.ClaimOutbox(ctx, c, res.IDs[:1])
		done <- claim{ok, err}
	}()
	select {
	case got := <-done:
		t.Fatalf("the claim did not wait for the other desktop's write: %+v", got)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got.err != nil || !got.ok {
		t.Fatalf("after the other desktop committed: %+v", got)
	}
}

// A batch's writes: a claim of several pending messages in one write (the
// others among the ids left alone), the mark of each recording the one
// before it as sent, and the ones never started given back.
func TestClaimAheadMarkAndUnclaim(t *testing.T) {
	s, c, unit, person := outboxFixture(t)
	ctx := context.Background()
	var msgs []OutboxMessage
	for i := 1; i <= 5; i++ {
		msgs = append(msgs, letterMsg(c, unit, person, i))
	}
	res, err := s.QueueOutbox(ctx, msgs)
	if err != nil {
		t.Fatal(err)
	}
	ids := res.IDs
	if _, err := s.CancelOutbox(ctx, c, ids[1:2]); err != nil { // no longer pending
		t.Fatal(err)
	}
	other, err := s.CreateCommunity(ctx, "Otra")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimOutboxBatch(ctx, other.ID, ids) // another community's sender
	if err != nil || len(got) != 0 {
		t.Fatalf("another community claimed %v, %v", got, err)
	}
	got, err = s.ClaimOutboxBatch(ctx, c, []int64{ids[3], ids[0], ids[1], ids[2]})
	if err != nil || len(got) != 3 || got[0].ID != ids[0] || got[1].ID != ids[2] || got[2].ID != ids[3] {
		t.Fatalf("claimed %+v, %v", got, err)
	}
	for _, m := range got {
		if m.State != OutboxSending || m.Attempts != 1 || m.UnitCode != "D-101" || m.ToAddr == "" {
			t.Fatalf("claimed row %+v", m)
		}
	}
	if again, err := s.ClaimOutboxBatch(ctx, c, ids); err != nil || len(again) != 1 || again[0].ID != ids[4] {
		t.Fatalf("second claim %+v, %v", again, err)
	}
	if err := s.MarkOutbox(ctx, ids[0], 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutbox(ctx, ids[2], ids[0], &OutboxContent{Subject: "Asunto real", Text: "hola", MessageID: "m@x"}); err != nil {
		t.Fatal(err)
	}
	first, _ := s.OutboxByID(ctx, ids[0])
	third, _ := s.OutboxByID(ctx, ids[2])
	if first.State != OutboxSent || first.SentAt.IsZero() || third.CommittedAt.IsZero() || third.Subject != "Asunto real" || third.MessageID != "m@x" {
		t.Fatalf("after the mark: %+v\n%+v", first, third)
	}
	if err := s.MarkOutbox(ctx, ids[1], ids[2], nil); err == nil {
		t.Fatal("a cancelled message was marked")
	}
	// The marked one stays (the server may have it), the others go back.
	if err := s.UnclaimOutbox(ctx, []int64{ids[2], ids[3], ids[4]}); err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{ids[0]: OutboxSent, ids[1]: OutboxCancelled, ids[2]: OutboxSending, ids[3]: OutboxPending, ids[4]: OutboxPending}
	for id, st := range want {
		if m, _ := s.OutboxByID(ctx, id); m.State != st {
			t.Errorf("message %d is %s, want %s", id, m.State, st)
		}
	}
}

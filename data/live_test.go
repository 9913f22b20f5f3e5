package data

import (
	"context"
	"testing"
	"time"

	"comunidad/internal/enginetest"
)

// A store watching the office database hears, within two seconds, of a
// user another store (another desktop) added, of a letter it sent, and of
// an import; not of its own changes. A file has nothing to watch.
func TestWatchHearsOtherDesktops(t *testing.T) {
	ctx := context.Background()
	if !enginetest.IsPostgres() {
		s := openTemp(t)
		if s.Live() {
			t.Fatal("a file says it is live")
		}
		done := make(chan error, 1)
		go func() { done <- s.Watch(ctx, func(int64) { t.Error("a file reported a change") }) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Watch on a file did not return")
		}
		return
	}
	a := openTemp(t)
	b, err := OpenPostgres(ctx, a.Source())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fill(t, a, "Parque Los Aromos", 3)
	c, err := a.CommunityByName(ctx, "Parque Los Aromos")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := a.UserRows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	heard := make(chan int64, 16)
	wctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { a.Watch(wctx, func(id int64) { heard <- id }); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	time.Sleep(300 * time.Millisecond) // LISTEN is in place

	expect := func(what string) {
		t.Helper()
		select {
		case id := <-heard:
			if id != c.ID {
				t.Fatalf("%s: heard %d, want %d", what, id, c.ID)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: nothing heard within two seconds", what)
		}
		for len(heard) > 0 { // one write may notify more than once
			<-heard
		}
	}
	// Its own change: not reported.
	if _, err := a.AddLocalUser(ctx, rows[0].UnitID, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana.soto@example.cl", Type: Residente}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-heard:
		t.Fatalf("heard its own change (%d)", id)
	case <-time.After(500 * time.Millisecond):
	}
	if _, err := b.AddLocalUser(ctx, rows[1].UnitID, LocalUser{FirstNames: "Noemí", LastNames: "Díaz", Email: "noemi@example.cl", Type: Residente}); err != nil {
		t.Fatal(err)
	}
	expect("a user added on another desktop")
	res, err := b.QueueOutbox(ctx, []OutboxMessage{{CommunityID: c.ID, Kind: "letter", DedupeKey: "carta-1", ToAddr: "ana1@example.cl"}})
	if err != nil {
		t.Fatal(err)
	}
	expect("a letter queued")
	if err := b.FinishOutbox(ctx, res.IDs[0], OutboxSent, ""); err != nil {
		t.Fatal(err)
	}
	expect("a letter sent")
	// A batch records a letter sent with the next one's mark.
	res, err = b.QueueOutbox(ctx, []OutboxMessage{{CommunityID: c.ID, Kind: "letter", DedupeKey: "carta-2", ToAddr: "ana2@example.cl"},
		{CommunityID: c.ID, Kind: "letter", DedupeKey: "carta-3", ToAddr: "ana3@example.cl"}})
	if err != nil {
		t.Fatal(err)
	}
	expect("two letters queued")
	if _, err := b.ClaimOutboxBatch(ctx, c.ID, res.IDs); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkOutbox(ctx, res.IDs[0], 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkOutbox(ctx, res.IDs[1], res.IDs[0], nil); err != nil {
		t.Fatal(err)
	}
	expect("a letter sent in a batch")

	// The listening connection dropped (a server restart, the network):
	// taken again, with a 0 (reload everything), and heard from again.
	if _, err := b.w.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-heard:
		if id != 0 {
			t.Fatalf("after the drop: heard %d, want 0", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the dropped connection was not taken again")
	}
	if _, err := b.AddSecondaryEmail(ctx, rows[2].UnitID, "conserjeria@example.cl", "Conserjería"); err != nil {
		t.Fatal(err)
	}
	expect("a secondary email, after the drop")
}

package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"comunidad/data"
	"comunidad/internal/enginetest"
	"comunidad/internal/pgtest"
)

// Two windows on two desktops, one office database: a user added on one
// shows on the other within two seconds, with the other's search kept; a
// community created elsewhere joins the selector; on screen nothing else is
// reset.
func TestSecondWindowSeesAnotherDesktopsUser(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	here, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer here.Close()
	there, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer there.Close()
	c := seedTower(t, here, "Edificio Torre", 10)
	// What the watch delivers runs here, on the test's goroutine, as the
	// rest of the window's work does in tests (see background).
	queue := make(chan func(), 64)
	deliverLive = func(f func()) { queue <- f }
	t.Cleanup(func() { deliverLive = fyne.Do })
	pump := func() {
		for {
			select {
			case f := <-queue:
				f()
			default:
				return
			}
		}
	}
	u, w := newTestUI(t, here)
	tab := u.units
	eventually(t, "the listing", func() bool { return tab.snap != nil && len(tab.snap.rows) >= 10 })
	var unit int64
	fyne.DoAndWait(func() {
		unit = tab.snap.rows[2].UnitID
		test.Type(tab.search, "Rosa")
	})
	eventually(t, "the search applied", func() bool { return len(tab.shown) == 0 })

	start := time.Now()
	if _, err := there.AddLocalUser(ctx, unit, data.LocalUser{FirstNames: "Rosa", LastNames: "Vera", Email: "rosa.vera@example.cl", Type: data.Residente}); err != nil {
		t.Fatal(err)
	}
	deadline := start.Add(2 * time.Second)
	for {
		n, text := 0, ""
		fyne.DoAndWait(func() { pump(); n, text = len(tab.shown), tab.search.Text })
		if n == 1 && text == "Rosa" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d rows shown for %q", time.Since(start), n, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("another desktop's user shown after %s", time.Since(start).Round(time.Millisecond))

	if _, err := there.CreateCommunity(ctx, "Parque Los Aromos"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the new community in the selector", func() bool { pump(); return len(u.selector.Options) == 2 })
	fyne.DoAndWait(func() {
		if u.community.ID != c.ID || tab.search.Text != "Rosa" {
			t.Errorf("the window moved: community %d, search %q", u.community.ID, tab.search.Text)
		}
	})
	_ = w
}

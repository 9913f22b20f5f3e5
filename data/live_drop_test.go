package data

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"comunidad/internal/enginetest"
)

// silentProxy forwards TCP connections to the server's socket until
// silence: from then on, the connections it carries pass nothing more
// either way and are not closed, as when a network drops a connection
// without a word. New connections are forwarded again.
type silentProxy struct {
	addr    string
	mu      sync.Mutex
	current []*atomic.Bool // one a connection: silenced
}

func newSilentProxy(t *testing.T, network, server string) *silentProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &silentProxy{addr: l.Addr().String()}
	var conns []net.Conn
	var connsMu sync.Mutex
	t.Cleanup(func() {
		l.Close()
		connsMu.Lock()
		for _, c := range conns {
			c.Close()
		}
		connsMu.Unlock()
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial(network, server)
			if err != nil {
				c.Close()
				continue
			}
			connsMu.Lock()
			conns = append(conns, c, s)
			connsMu.Unlock()
			silent := new(atomic.Bool)
			p.mu.Lock()
			p.current = append(p.current, silent)
			p.mu.Unlock()
			pipe := func(dst io.Writer, src io.Reader) {
				buf := make([]byte, 32<<10)
				for {
					n, err := src.Read(buf)
					if err != nil {
						return
					}
					if !silent.Load() {
						if _, err := dst.Write(buf[:n]); err != nil {
							return
						}
					}
				}
			}
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
	return p
}

func (p *silentProxy) silence() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.current {
		s.Store(true)
	}
	p.current = nil
}

// A window's listening connection, and its pool's idle ones, dropped
// without a word by the network: the listener finds out by its ping and
// listens again on a new connection (the idle ones are thrown away when
// their own ping gets no answer); the window is told to reload (0), and
// hears the next change another desktop makes.
func TestWatchSurvivesASilentlyDroppedConnection(t *testing.T) {
	enginetest.PostgresOnly(t)
	ctx := context.Background()
	a := openTemp(t)
	cfg, err := pgconn.ParseConfig(a.Source())
	if err != nil {
		t.Fatal(err)
	}
	network, server := "tcp", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	if filepath.IsAbs(cfg.Host) {
		network, server = "unix", filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port))
	}
	p := newSilentProxy(t, network, server)
	defer func(ping, timeout time.Duration) { livePing, livePingTimeout = ping, timeout }(livePing, livePingTimeout)
	livePing, livePingTimeout = 300*time.Millisecond, 300*time.Millisecond
	w, err := OpenPostgresPassword(ctx, fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", cfg.User, p.addr, cfg.Database), cfg.Password)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		// Closing does not wait for the connections the network dropped.
		start := time.Now()
		w.Close()
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Close took %s", took)
		}
	}()
	fill(t, a, "Parque Los Aromos", 2)
	c, err := w.CommunityByName(ctx, "Parque Los Aromos") // through the proxy: a pooled connection
	if err != nil {
		t.Fatal(err)
	}
	// A few connections in the pool, left idle.
	var busy sync.WaitGroup
	for i := 0; i < 3; i++ {
		busy.Add(1)
		go func() {
			defer busy.Done()
			if _, err := w.Writer().ExecContext(ctx, `SELECT pg_sleep(0.2)`); err != nil {
				t.Error(err)
			}
		}()
	}
	busy.Wait()
	heard := make(chan int64, 64)
	wctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { w.Watch(wctx, func(id int64) { heard <- id }); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	time.Sleep(time.Second) // LISTEN is in place, and the pool's connection idle for over a second

	p.silence()
	deadline := time.After(10 * time.Second)
	for reloaded := false; !reloaded; {
		select {
		case id := <-heard:
			reloaded = id == 0
		case <-deadline:
			t.Fatal("the listener did not find out its connection was gone within 10 s")
		}
	}
	time.Sleep(200 * time.Millisecond) // LISTEN again is in place
	rows, err := a.UserRows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddLocalUser(ctx, rows[0].UnitID, LocalUser{FirstNames: "Ana", LastNames: "Soto", Email: "ana.soto@example.cl", Type: Residente}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-heard:
		if id != c.ID {
			t.Fatalf("heard %d, want %d", id, c.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a change after the drop was not heard")
	}
	// The window's reads go on, on a new connection, even without a time
	// limit of their own: the pool's silent connections are thrown away.
	read := make(chan error, 1)
	go func() { _, err := w.UserRows(ctx, c.ID); read <- err }()
	select {
	case err := <-read:
		if err != nil {
			t.Fatalf("reading after the drop: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a read after the drop still waits after 5 s")
	}
}

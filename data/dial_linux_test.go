package data

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"comunidad/internal/enginetest"
)

// A query sent into a network that has just dropped the connection (the
// office's server gone from the network, a cable pulled) fails after
// tcpGiveUp instead of waiting the system's 15 minutes. The test runs
// itself again in a network namespace of its own (unshare -n: its own
// loopback, where it starts its own PostgreSQL) so that it can take the
// network away without touching the computer's.
func TestQueryIntoADeadNetworkFails(t *testing.T) {
	if os.Getenv("COMUNIDAD_OWN_NETWORK") != "1" {
		if !enginetest.IsPostgres() {
			t.Skip("on PostgreSQL only")
		}
		if os.Geteuid() != 0 {
			t.Skip("a network namespace of its own needs root (CI runs as root)")
		}
		if out, err := exec.Command("unshare", "-n", "true").CombinedOutput(); err != nil {
			t.Skipf("this machine gives no network namespace of its own (unshare -n: %v %s)", err, out)
		}
		cctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(cctx, "unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" -test.run='^TestQueryIntoADeadNetworkFails$' -test.count=1 -test.v`, os.Args[0])
		cmd.Env = append(os.Environ(), "COMUNIDAD_OWN_NETWORK=1", "COMUNIDAD_TEST_ENGINE=postgres")
		out, err := cmd.CombinedOutput()
		if cctx.Err() != nil {
			t.Fatalf("the query into a dead network still waits after 60 s\n%s", out)
		}
		if err != nil || !strings.Contains(string(out), "--- PASS: TestQueryIntoADeadNetworkFails") {
			t.Fatalf("in its own network: %v\n%s", err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "failed after") {
				t.Log(strings.TrimSpace(l))
			}
		}
		return
	}
	enginetest.PostgresOnly(t)
	defer func(d time.Duration) { tcpGiveUp = d }(tcpGiveUp)
	tcpGiveUp = time.Second
	ctx := context.Background()
	s := openTemp(t) // connected over TCP to 127.0.0.1, this namespace's own
	if !strings.Contains(s.Source(), "127.0.0.1") {
		t.Fatalf("not over TCP: %s", s.Source())
	}
	start := time.Now()
	err := s.Tx(ctx, func(tx *DBTx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "link", "set", "lo", "down").CombinedOutput(); err != nil {
			t.Fatalf("ip link set lo down: %v %s", err, out)
		}
		start = time.Now()
		return tx.QueryRowContext(ctx, `SELECT 2`).Scan(&n)
	})
	took := time.Since(start)
	exec.Command("ip", "link", "set", "lo", "up").Run() // for the cluster's own stop
	if err == nil {
		t.Fatal("a query into a dead network succeeded")
	}
	if took > 10*time.Second {
		t.Fatalf("the query failed after %s, want about tcpGiveUp (%s)", took, tcpGiveUp)
	}
	t.Logf("failed after %s: %v", took.Round(time.Millisecond), err)
}

package pgtest

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestMain(m *testing.M) { Main(m) }

// Two databases of the shared cluster are independent: a table made in one
// does not exist in the other, and each is dropped after its test.
func TestDatabasesAreIndependent(t *testing.T) {
	ctx := context.Background()
	var first string
	t.Run("a", func(t *testing.T) {
		first = DSN(t)
		conn, err := pgx.Connect(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE TABLE unidades (codigo text PRIMARY KEY); INSERT INTO unidades VALUES ('A-101')"); err != nil {
			t.Fatal(err)
		}
	})
	dsn := DSN(t)
	if dsn == first {
		t.Fatalf("the same database twice: %s", dsn)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, "SELECT count(*) FROM unidades").Scan(&n)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Fatalf("the second database sees the first one's table: n=%d err=%v", n, err)
	}
	// The first test's database was dropped at its cleanup.
	if _, err := pgx.Connect(ctx, first); err == nil || !errors.As(err, &pe) || pe.Code != "3D000" {
		t.Fatalf("the first database still exists after its test: %v", err)
	}
}

// A cluster of its own, stopped: its port refuses and its folder is gone.
func TestStopLeavesNothing(t *testing.T) {
	Shared(t) // skips (or fails under COMUNIDAD_REQUIRE_PG=1) without PostgreSQL
	c, err := Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port()))
	if conn, err := net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
		c.Stop()
		t.Fatalf("the cluster does not listen on %s: %v", addr, err)
	} else {
		conn.Close()
	}
	dsn, err := c.CreateDatabase(context.Background())
	if err != nil {
		c.Stop()
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir()); !os.IsNotExist(err) {
		t.Fatalf("the cluster's folder is still there: %v", err)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatalf("something still listens on %s after Stop", addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped cluster")
	}
}

package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Live changes. On the office database several desktops change the same
// communities: every write that changes what a window shows of a community
// (an import, an added or edited user, a secondary email, accounts, a
// letter queued, sent or retried) notifies the channel liveChannel with the
// community's id, delivered by the server when the write commits; Watch
// listens to it. A SQLite file has one desktop: nothing to watch.

// liveChannel is the LISTEN/NOTIFY channel of the office database.
const liveChannel = "comunidad"

// newToken is a store's own mark on what it notifies, so that Watch does
// not report a window its own changes.
func newToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// notifier is a connection or transaction of a store (DB, DBTx): its
// engine and the store's mark on its notifications.
type notifier interface {
	Querier
	live() (pg bool, token string)
}

func (d *DB) live() (bool, string)   { return d.pg, d.token }
func (t *DBTx) live() (bool, string) { return t.pg, t.token }

// notifyCommunity tells the other desktops (when the transaction commits)
// that community changed.
func notifyCommunity(ctx context.Context, q notifier, community int64) error {
	pg, token := q.live()
	if !pg || community == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT pg_notify('`+liveChannel+`', ?)`, strconv.FormatInt(community, 10)+" "+token)
	return err
}

// execNotifying runs update (an UPDATE of outbox rows) and, on the office
// database, tells the other desktops of each changed row's community in the
// same statement.
func execNotifying(ctx context.Context, q notifier, update string, args ...any) error {
	if pg, token := q.live(); pg {
		update = `WITH f AS (` + update + ` RETURNING community_id) SELECT pg_notify('` + liveChannel + `', CAST(community_id AS TEXT) || ' ' || ?) FROM f`
		args = append(args, token)
	}
	_, err := q.ExecContext(ctx, update, args...)
	return err
}

// Live reports whether the store can tell of other desktops' changes
// (Watch does something).
func (s *Store) Live() bool { return s.Engine() == EnginePostgres }

// Watch calls changed with the id of each community another desktop (or
// another process, or another Store on this one) changes, until ctx ends;
// the store's own changes are not reported. It returns at once on a SQLite
// file. A dropped connection is taken again, and changed is then called
// with 0: something may have changed meanwhile (reload everything).
func (s *Store) Watch(ctx context.Context, changed func(community int64)) error {
	if s.pool == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.closed: // the store closed: stop listening
			cancel()
		case <-ctx.Done():
		}
	}()
	backoff := 200 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := s.listen(ctx, changed, !first)
		first = false
		if ctx.Err() != nil {
			return nil
		}
		_ = err // the connection dropped: wait, then listen again
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		if backoff < 5*time.Second {
			backoff *= 2
		}
	}
	return nil
}

// livePing is how long the listening connection may stay silent before
// the server is asked whether it is still there, and livePingTimeout how
// long its answer may take. A connection dropped without a word (a cable
// pulled, a laptop that slept, a VPN or a router that forgot it) is so
// found out within a minute, and listened again: the window reloads, as it
// may have missed changes meanwhile. Nothing else would tell: a listening
// connection sends nothing, and the system's keepalive takes hours.
var livePing, livePingTimeout = 30 * time.Second, 10 * time.Second

func (s *Store) listen(ctx context.Context, changed func(int64), again bool) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection will be LISTENing: it never goes back to the pool.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+liveChannel); err != nil {
		return err
	}
	if again {
		changed(0)
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, livePing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil || !pgconn.Timeout(err) {
				return err
			}
			// Silent for livePing: is the server still at the other end?
			pctx, cancel := context.WithTimeout(ctx, livePingTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		id, token, _ := strings.Cut(n.Payload, " ")
		if token == s.token {
			continue
		}
		if c, err := strconv.ParseInt(id, 10, 64); err == nil {
			changed(c)
		}
	}
}

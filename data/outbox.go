package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outbox message kinds.
const (
	OutboxLetter  = "letter"   // a welcome letter sent by email
	OutboxNewUser = "new_user" // the notice to a user created in Comunidad
	OutboxTest    = "test"     // "Enviar correo de prueba"
)

// Outbox states. A message moves pending -> sending -> sent | failed, or
// pending -> cancelled; failed and cancelled ones go back to pending only
// when the administrator retries them.
const (
	OutboxPending   = "pending"
	OutboxSending   = "sending"
	OutboxSent      = "sent"
	OutboxFailed    = "failed"
	OutboxCancelled = "cancelled"
)

// ErrOutboxBusy is returned by AcquireOutbox while another sender (this or
// another process) is sending the community's mail.
var ErrOutboxBusy = errors.New("ya hay un envío de correos en curso para esta comunidad")

// OutboxInterrupted is the error recorded on a message whose sender died
// after the server may already have accepted it: it is not resent on its own.
const OutboxInterrupted = "el envío se interrumpió justo cuando el servidor recibía el mensaje: puede haber llegado; reintente solo si el destinatario no lo recibió"

// OutboxMessage is one row of the outbox.
type OutboxMessage struct {
	ID          int64
	CommunityID int64
	Kind        string
	DedupeKey   string
	PersonID    int64 // 0 when none
	UnitID      int64 // 0 when none
	ToAddr      string
	ToName      string
	Subject     string
	BodyHTML    string
	BodyText    string
	AttachPDF   bool
	TemplateID  int64 // 0 when none
	MessageID   string
	State       string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SentAt      time.Time // zero until sent
	CommittedAt time.Time // zero unless the final "." may have reached the server

	// Filled by ListOutbox for the "Enviados" view.
	UnitCode string
}

// Uncertain reports a failed message the server may have accepted (the
// connection was lost after the final "." and before its answer, or the
// sender died there): it is never retried with the definite failures, only
// on its own, when the administrator asks for it.
func (m OutboxMessage) Uncertain() bool {
	return m.State == OutboxFailed && (!m.CommittedAt.IsZero() || strings.HasPrefix(m.LastError, OutboxInterrupted))
}

// uncertainSQL is Uncertain as a condition on outbox rows (databases written
// before committed_at was kept on failed rows still carry the message).
const uncertainSQL = `(state = 'failed' AND (committed_at IS NOT NULL OR substr(last_error, 1, length(CAST(? AS TEXT))) = ?))`

const outboxCols = `o.id, o.community_id, o.kind, o.dedupe_key, coalesce(o.person_id, 0), coalesce(o.unit_id, 0),
	o.to_addr, o.to_name, o.subject, o.body_html, o.body_text, o.attach_pdf, coalesce(o.template_id, 0),
	o.message_id, o.state, o.attempts, o.last_error, o.created_at, o.updated_at, coalesce(o.sent_at, ''),
	coalesce(o.committed_at, ''), coalesce(u.code, '')`

const outboxFrom = ` FROM outbox o LEFT JOIN units u ON u.id = o.unit_id `

func scanOutbox(row scanner) (OutboxMessage, error) {
	var m OutboxMessage
	var attach int
	var created, updated, sent, committed string
	err := row.Scan(&m.ID, &m.CommunityID, &m.Kind, &m.DedupeKey, &m.PersonID, &m.UnitID,
		&m.ToAddr, &m.ToName, &m.Subject, &m.BodyHTML, &m.BodyText, &attach, &m.TemplateID,
		&m.MessageID, &m.State, &m.Attempts, &m.LastError, &created, &updated, &sent, &committed, &m.UnitCode)
	m.AttachPDF = attach != 0
	m.CreatedAt, m.UpdatedAt = ParseTime(created), ParseTime(updated)
	m.SentAt, m.CommittedAt = ParseTime(sent), ParseTime(committed)
	return m, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func now() string { return FormatTime(time.Now()) }

// QueueResult says what QueueOutbox did with each message, in order.
type QueueResult struct {
	IDs    []int64  // the row of each message
	States []string // its state after queuing: pending, or sent/sending when it was already there
	// Queued counts new rows, Requeued failed or cancelled rows armed again,
	// Already rows left as they were (sent, or pending/sending in another batch).
	Queued, Requeued, Already int
}

// QueueOutbox records messages in the outbox, all or none. Queuing is
// idempotent through dedupe_key: a message already sent, being sent or
// pending is not queued again (a pending one takes the new content); a failed
// or cancelled one is armed again with the new content.
func (s *Store) QueueOutbox(ctx context.Context, msgs []OutboxMessage) (QueueResult, error) {
	var res QueueResult
	err := s.Tx(ctx, func(tx *DBTx) error {
		res = QueueResult{}
		// Two desktops queuing the same letters at once: the second finds
		// the first's rows (dedupe_key) instead of colliding with them.
		locked := map[int64]bool{}
		for _, m := range msgs {
			if !locked[m.CommunityID] {
				if err := lockCommunity(ctx, tx, m.CommunityID); err != nil {
					return err
				}
				locked[m.CommunityID] = true
			}
		}
		for _, m := range msgs {
			id, state, how, err := QueueOutboxTx(ctx, tx, m)
			if err != nil {
				return err
			}
			res.IDs = append(res.IDs, id)
			res.States = append(res.States, state)
			switch how {
			case "queued":
				res.Queued++
			case "requeued":
				res.Requeued++
			default:
				res.Already++
			}
		}
		return nil
	})
	return res, err
}

// QueueOutboxTx queues one message inside the caller's transaction and
// returns its row id, its state afterwards, and "queued", "requeued" or
// "already".
func QueueOutboxTx(ctx context.Context, q Querier, m OutboxMessage) (id int64, state, how string, err error) {
	if m.CommunityID == 0 || m.DedupeKey == "" || strings.TrimSpace(m.ToAddr) == "" {
		return 0, "", "", fmt.Errorf("queue mail: community, dedupe key and address are required (%q)", m.DedupeKey)
	}
	switch m.Kind {
	case OutboxLetter, OutboxNewUser, OutboxTest:
	default:
		return 0, "", "", fmt.Errorf("queue mail %s: unknown kind %q", m.DedupeKey, m.Kind)
	}
	attach := 0
	if m.AttachPDF {
		attach = 1
	}
	err = q.QueryRowContext(ctx, `SELECT id, state FROM outbox WHERE dedupe_key = ?`, m.DedupeKey).Scan(&id, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id, err = insertID(ctx, q, `INSERT INTO outbox (community_id, kind, dedupe_key, person_id, unit_id, to_addr, to_name,
			subject, body_html, body_text, attach_pdf, template_id, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
			m.CommunityID, m.Kind, m.DedupeKey, nullID(m.PersonID), nullID(m.UnitID), m.ToAddr, m.ToName,
			m.Subject, m.BodyHTML, m.BodyText, attach, nullID(m.TemplateID), now(), now())
		if err != nil {
			return 0, "", "", fmt.Errorf("queue mail to %s: %w", m.ToAddr, err)
		}
		return id, OutboxPending, "queued", nil
	case err != nil:
		return 0, "", "", fmt.Errorf("queue mail to %s: %w", m.ToAddr, err)
	}
	if state != OutboxFailed && state != OutboxCancelled && state != OutboxPending {
		return id, state, "already", nil
	}
	var uncertain bool
	if err := q.QueryRowContext(ctx, `SELECT `+uncertainSQL+` FROM outbox WHERE id = ?`, OutboxInterrupted, OutboxInterrupted, id).Scan(&uncertain); err != nil {
		return 0, "", "", fmt.Errorf("queue mail to %s: %w", m.ToAddr, err)
	}
	if uncertain {
		// It may have arrived: only RetryUncertainOutbox sends it again.
		return id, state, "already", nil
	}
	// A row not yet in flight takes the new content (a pending one stays
	// queued once: it counts as already there).
	_, err = q.ExecContext(ctx, `UPDATE outbox SET state = 'pending', to_addr = ?, to_name = ?, subject = ?, body_html = ?,
		body_text = ?, attach_pdf = ?, template_id = ?, last_error = '', committed_at = NULL, updated_at = ?
		WHERE id = ? AND state IN ('pending', 'failed', 'cancelled')`,
		m.ToAddr, m.ToName, m.Subject, m.BodyHTML, m.BodyText, attach, nullID(m.TemplateID), now(), id)
	if err != nil {
		return 0, "", "", fmt.Errorf("queue mail to %s: %w", m.ToAddr, err)
	}
	if state == OutboxPending {
		return id, OutboxPending, "already", nil
	}
	return id, OutboxPending, "requeued", nil
}

// OutboxByID returns one message.
func (s *Store) OutboxByID(ctx context.Context, id int64) (OutboxMessage, error) {
	m, err := scanOutbox(s.w.QueryRowContext(ctx, `SELECT `+outboxCols+outboxFrom+`WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("mensaje %d: %w", id, ErrNotFound)
	}
	return m, err
}

// AcquireOutbox makes owner the only sender of the community's mail. A lock
// held by another owner is taken over only when takeOver says its holder is
// gone (a dead process, a heartbeat too old); otherwise ErrOutboxBusy. Whenever the lock is taken, the rows a dead sender left in
// 'sending' are recovered: back to pending when the server cannot have
// accepted them (committed_at NULL), failed with OutboxInterrupted otherwise.
// It returns how many rows went each way.
func (s *Store) AcquireOutbox(ctx context.Context, community int64, owner string, takeOver func(holder string, heartbeat time.Time) bool) (requeued, interrupted int, err error) {
	err = s.Tx(ctx, func(tx *DBTx) error {
		// Two desktops acquiring at once read, then write, the same row:
		// on PostgreSQL they take turns.
		if tx.pg {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, CAST(? AS INTEGER))`, lockOutbox, community); err != nil {
				return fmt.Errorf("outbox lock: %w", err)
			}
		}
		var holder, beat string
		err := tx.QueryRowContext(ctx, `SELECT owner, heartbeat FROM outbox_lock WHERE community_id = ?`, community).Scan(&holder, &beat)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("outbox lock: %w", err)
		case holder != owner && (takeOver == nil || !takeOver(holder, ParseTime(beat))):
			return ErrOutboxBusy
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_lock (community_id, owner, heartbeat) VALUES (?, ?, ?)
			ON CONFLICT (community_id) DO UPDATE SET owner = excluded.owner, heartbeat = excluded.heartbeat`,
			community, owner, now()); err != nil {
			return fmt.Errorf("outbox lock: %w", err)
		}
		r, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', updated_at = ?
			WHERE community_id = ? AND state = 'sending' AND committed_at IS NULL`, now(), community)
		if err != nil {
			return fmt.Errorf("recover outbox: %w", err)
		}
		n, _ := r.RowsAffected()
		requeued = int(n)
		r, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ?
			WHERE community_id = ? AND state = 'sending' AND committed_at IS NOT NULL`, OutboxInterrupted, now(), community)
		if err != nil {
			return fmt.Errorf("recover outbox: %w", err)
		}
		n, _ = r.RowsAffected()
		interrupted = int(n)
		return nil
	})
	return requeued, interrupted, err
}

// HeartbeatOutbox tells other processes the owner is still sending.
func (s *Store) HeartbeatOutbox(ctx context.Context, community int64, owner string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE outbox_lock SET heartbeat = ? WHERE community_id = ? AND owner = ?`, now(), community, owner)
	return err
}

// ReleaseOutbox gives the lock up.
func (s *Store) ReleaseOutbox(ctx context.Context, community int64, owner string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM outbox_lock WHERE community_id = ? AND owner = ?`, community, owner)
	return err
}

// ClaimOutbox moves the oldest pending message of the community (among only,
// when only is not empty) to 'sending' and returns it; ok is false when none
// is left.
func (s *Store) ClaimOutbox(ctx context.Context, community int64, only []int64) (m OutboxMessage, ok bool, err error) {
	where := `o.community_id = ? AND o.state = 'pending'`
	args := []any{community}
	if len(only) > 0 {
		where += ` AND o.id IN (` + placeholders(len(only)) + `)`
		args = appendIDs(args, only)
	}
	if s.w.pg {
		// One statement, one round trip to the server: the oldest pending
		// message, claimed and read. Any pending one is taken among those no
		// other sender holds (SKIP LOCKED); the ones asked for by id are
		// waited for (pgClaimByID).
		q := `WITH c AS (
			UPDATE outbox SET state = 'sending', attempts = attempts + 1, committed_at = NULL, updated_at = ?
			WHERE id = (SELECT o.id FROM outbox o WHERE ` + where + ` ORDER BY o.id LIMIT 1 FOR UPDATE SKIP LOCKED)
			RETURNING *)
			SELECT ` + outboxCols + ` FROM c o LEFT JOIN units u ON u.id = o.unit_id`
		qargs := append([]any{now()}, args...)
		if len(only) > 0 {
			q, qargs = pgClaimByID(" LIMIT 1", len(only)), pgClaimArgs(community, only)
		}
		m, err = scanOutbox(s.w.QueryRowContext(ctx, q, qargs...))
		if errors.Is(err, sql.ErrNoRows) {
			return m, false, nil
		}
		if err != nil {
			return m, false, fmt.Errorf("claim mail: %w", err)
		}
		return m, true, nil
	}
	err = s.Tx(ctx, func(tx *DBTx) error {
		var err error
		q := `SELECT ` + outboxCols + outboxFrom + `WHERE ` + where + ` ORDER BY o.id LIMIT 1`
		m, err = scanOutbox(tx.QueryRowContext(ctx, q, args...))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim mail: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1, committed_at = NULL,
			updated_at = ? WHERE id = ?`, now(), m.ID); err != nil {
			return fmt.Errorf("claim mail %d: %w", m.ID, err)
		}
		m.State = OutboxSending
		m.Attempts++
		ok = true
		return nil
	})
	return m, ok, err
}

// ClaimOutboxBatch moves the pending messages among ids to 'sending', in
// one write, and returns them oldest first; those no longer pending (sent,
// cancelled, or claimed by another sender) are left out. A sender claims a
// few messages ahead so that each one costs no claim of its own: the ones
// it does not send go back with UnclaimOutbox (or, if it dies, to pending
// when the next sender recovers the rows it left in 'sending').
func (s *Store) ClaimOutboxBatch(ctx context.Context, community int64, ids []int64) ([]OutboxMessage, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{community}
	args = appendIDs(args, ids)
	where := `o.community_id = ? AND o.state = 'pending' AND o.id IN (` + placeholders(len(ids)) + `)`
	if s.w.pg {
		out, err := queryAll(ctx, s.w, scanOutbox, pgClaimByID("", len(ids)), pgClaimArgs(community, ids)...)
		if err != nil {
			return nil, fmt.Errorf("claim mail: %w", err)
		}
		return out, nil
	}
	var out []OutboxMessage
	err := s.Tx(ctx, func(tx *DBTx) error {
		var err error
		out, err = queryAll(ctx, tx, scanOutbox, `SELECT `+outboxCols+outboxFrom+`WHERE `+where+` ORDER BY o.id`, args...)
		if err != nil || len(out) == 0 {
			return err
		}
		claim := []any{now()}
		for i := range out {
			claim = append(claim, out[i].ID)
			out[i].State = OutboxSending
			out[i].Attempts++
			out[i].CommittedAt = time.Time{}
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1, committed_at = NULL,
			updated_at = ? WHERE id IN (`+placeholders(len(out))+`)`, claim...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return out, nil
}

// UnclaimOutbox puts messages a sender claimed and never started back to
// pending (those whose final "." may have been written stay as they are).
func (s *Store) UnclaimOutbox(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{now()}
	args = appendIDs(args, ids)
	_, err := s.w.ExecContext(ctx, `UPDATE outbox SET state = 'pending', updated_at = ?
		WHERE state = 'sending' AND committed_at IS NULL AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("unclaim mail: %w", err)
	}
	return nil
}

// OutboxContent is what is really sent of a message: a notice's subject and
// bodies are filled from the template when it is sent, and its Message-ID.
type OutboxContent struct {
	Subject, HTML, Text, MessageID string
}

// MarkOutbox marks message id as one whose final "." is about to be
// written: from here on the server may accept it, so a crash must not
// resend it. The same write records content, when given (what is really
// sent: a notice's subject and bodies are only known when it is sent, and
// its Message-ID) and, when sent is not 0, FinishOutbox(sent) for the
// message before it in the batch: a sender records each outcome with the
// next message's mark instead of on its own.
func (s *Store) MarkOutbox(ctx context.Context, id, sent int64, content *OutboxContent) error {
	mark := `UPDATE outbox SET committed_at = ?, updated_at = ?`
	margs := []any{now(), now()}
	if content != nil {
		mark += `, subject = ?, body_html = ?, body_text = ?, message_id = ?`
		margs = append(margs, content.Subject, content.HTML, content.Text, content.MessageID)
	}
	mark += ` WHERE id = ? AND state = 'sending'`
	margs = append(margs, id)
	if sent == 0 {
		r, err := s.w.ExecContext(ctx, mark, margs...)
		return committed(id, r, err)
	}
	done, dargs := sentSQL(sent)
	if pg, token := s.w.live(); pg {
		// One statement, one round trip: both rows (the one sent only if
		// this one is marked, as in a transaction), and the other desktops
		// told of the one sent.
		var n int
		err := s.w.QueryRowContext(ctx, `WITH m AS (`+mark+` RETURNING id),
			d AS (`+done+` AND EXISTS (SELECT 1 FROM m) RETURNING community_id),
			t AS (SELECT pg_notify('`+liveChannel+`', CAST(community_id AS TEXT) || ' ' || ?) FROM d)
			SELECT (SELECT count(*) FROM m) + 0 * (SELECT count(*) FROM t)`,
			append(append(margs, dargs...), token)...).Scan(&n)
		if err != nil {
			return fmt.Errorf("mark mail %d: %w", id, err)
		}
		if n != 1 {
			return fmt.Errorf("mark mail %d: it is no longer being sent", id)
		}
		return nil
	}
	return s.Tx(ctx, func(tx *DBTx) error {
		if _, err := tx.ExecContext(ctx, done, dargs...); err != nil {
			return fmt.Errorf("finish mail %d: %w", sent, err)
		}
		r, err := tx.ExecContext(ctx, mark, margs...)
		return committed(id, r, err)
	})
}

// sentSQL records message id as sent.
func sentSQL(id int64) (string, []any) {
	return `UPDATE outbox SET state = 'sent', sent_at = ?, sent_by = ?, last_error = '', updated_at = ? WHERE id = ?`, []any{now(), WhoText(), now(), id}
}

// pgClaimByID claims, in one statement, the pending messages of a community
// among n ids (the oldest only, with limit " LIMIT 1") and reads them. The
// ids are found and locked by primary key alone, then checked: filtered by
// community and state, PostgreSQL walks the index of every pending message
// of the community (thousands, after a mailing) for each claim. Rows
// another desktop holds are waited for, not skipped: a row it is queuing
// again (QueueOutbox takes the new content) is still this batch's, and
// skipping it would leave it out of the batch unsent.
func pgClaimByID(limit string, n int) string {
	return `WITH l AS MATERIALIZED (SELECT id, community_id, state FROM outbox WHERE id IN (` + placeholders(n) + `) ORDER BY id FOR UPDATE),
		p AS MATERIALIZED (SELECT id FROM l WHERE community_id = ? AND state = 'pending' ORDER BY id` + limit + `),
		c AS (UPDATE outbox o SET state = 'sending', attempts = o.attempts + 1, committed_at = NULL, updated_at = ?
			FROM p WHERE o.id = p.id RETURNING o.*)
		SELECT ` + outboxCols + ` FROM c o LEFT JOIN units u ON u.id = o.unit_id ORDER BY o.id`
}

func pgClaimArgs(community int64, ids []int64) []any {
	return append(appendIDs(make([]any, 0, len(ids)+2), ids), community, now())
}

// appendIDs adds the ids to a statement's arguments.
func appendIDs(args []any, ids []int64) []any {
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// SetOutboxContent records what is about to be sent (a notice's subject and
// bodies are filled from the template when it is sent) and its Message-ID.
func (s *Store) SetOutboxContent(ctx context.Context, id int64, subject, html, text, messageID string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE outbox SET subject = ?, body_html = ?, body_text = ?, message_id = ?, updated_at = ?
		WHERE id = ?`, subject, html, text, messageID, now(), id)
	if err != nil {
		return fmt.Errorf("save mail %d: %w", id, err)
	}
	return nil
}

func committed(id int64, r sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("mark mail %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n != 1 {
		return fmt.Errorf("mark mail %d: it is no longer being sent", id)
	}
	return nil
}

// FinishOutbox records the outcome of a message being sent: sent (with the
// time), failed with the server's answer, or pending again for a retry
// (temporary failure) with the answer kept in last_error.
func (s *Store) FinishOutbox(ctx context.Context, id int64, state, lastError string) error {
	var q string
	var args []any
	switch state {
	case OutboxSent:
		q, args = sentSQL(id)
	case OutboxFailed, OutboxPending:
		q, args = `UPDATE outbox SET state = ?, last_error = ?, committed_at = NULL, updated_at = ? WHERE id = ?`, []any{state, lastError, now(), id}
	default:
		return fmt.Errorf("finish mail %d: bad state %q", id, state)
	}
	if err := execNotifying(ctx, s.w, q, args...); err != nil {
		return fmt.Errorf("finish mail %d: %w", id, err)
	}
	return nil
}

// FailOutboxUncertain records a message lost after its final "." was
// written: failed, keeping committed_at, so that it counts as Uncertain.
func (s *Store) FailOutboxUncertain(ctx context.Context, id int64, lastError string) error {
	err := execNotifying(ctx, s.w, `UPDATE outbox SET state = 'failed', last_error = ?, updated_at = ?,
		committed_at = coalesce(committed_at, ?) WHERE id = ?`, lastError, now(), now(), id)
	if err != nil {
		return fmt.Errorf("finish mail %d: %w", id, err)
	}
	return nil
}

// CancelOutbox marks the pending messages among ids (all pending messages of
// the community when ids is empty) as cancelled and returns how many.
func (s *Store) CancelOutbox(ctx context.Context, community int64, ids []int64) (int, error) {
	q := `UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE community_id = ? AND state = 'pending'`
	args := []any{now(), community}
	if len(ids) > 0 {
		q += ` AND id IN (` + placeholders(len(ids)) + `)`
		args = appendIDs(args, ids)
	}
	r, err := s.w.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("cancel mail: %w", err)
	}
	_ = notifyCommunity(ctx, s.w, community)
	n, _ := r.RowsAffected()
	return int(n), nil
}

// RetryOutbox puts the definite failures and the cancelled messages (those
// among ids, or all of the community when ids is empty) back to pending and
// returns their ids. Uncertain ones (the server may have them) are left
// alone: see RetryUncertainOutbox.
func (s *Store) RetryOutbox(ctx context.Context, community int64, ids []int64) ([]int64, error) {
	where := `community_id = ? AND state IN ('failed', 'cancelled') AND NOT ` + uncertainSQL
	args := []any{community, OutboxInterrupted, OutboxInterrupted}
	if len(ids) > 0 {
		where += ` AND id IN (` + placeholders(len(ids)) + `)`
		args = appendIDs(args, ids)
	}
	return s.rearm(ctx, where, args)
}

// RetryUncertainOutbox puts one uncertain message back to pending, on the
// administrator's explicit request for that recipient; ok is false when
// the message is not (or no longer) uncertain.
func (s *Store) RetryUncertainOutbox(ctx context.Context, community, id int64) (ok bool, err error) {
	again, err := s.rearm(ctx, `community_id = ? AND id = ? AND `+uncertainSQL, []any{community, id, OutboxInterrupted, OutboxInterrupted})
	return len(again) == 1, err
}

func (s *Store) rearm(ctx context.Context, where string, args []any) ([]int64, error) {
	var out []int64
	err := s.Tx(ctx, func(tx *DBTx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM outbox WHERE `+where+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', committed_at = NULL, updated_at = ? WHERE `+where,
			append([]any{now()}, args...)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retry mail: %w", err)
	}
	return out, nil
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	States []string // empty: every state
	// Uncertain keeps only the uncertain failures (see OutboxMessage.Uncertain).
	Uncertain bool
	Kinds     []string // empty: every kind
	IDs       []int64  // empty: every message
	Limit     int      // 0: no limit
}

// ListOutbox lists a community's messages, newest first, for the "Enviados" view.
func (s *Store) ListOutbox(ctx context.Context, community int64, f OutboxFilter) ([]OutboxMessage, error) {
	where := `o.community_id = ?`
	args := []any{community}
	in := func(col string, n int) { where += ` AND ` + col + ` IN (` + placeholders(n) + `)` }
	if len(f.States) > 0 {
		in("o.state", len(f.States))
		for _, v := range f.States {
			args = append(args, v)
		}
	}
	if len(f.Kinds) > 0 {
		in("o.kind", len(f.Kinds))
		for _, v := range f.Kinds {
			args = append(args, v)
		}
	}
	if f.Uncertain {
		where += ` AND ` + strings.NewReplacer("state", "o.state", "committed_at", "o.committed_at", "last_error", "o.last_error").Replace(uncertainSQL)
		args = append(args, OutboxInterrupted, OutboxInterrupted)
	}
	if len(f.IDs) > 0 {
		in("o.id", len(f.IDs))
		args = appendIDs(args, f.IDs)
	}
	q := `SELECT ` + outboxCols + outboxFrom + `WHERE ` + where + ` ORDER BY o.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	out, err := queryAll(ctx, s.r, scanOutbox, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return out, nil
}

// OutboxCounts counts a community's messages by state.
func (s *Store) OutboxCounts(ctx context.Context, community int64) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, count(*) FROM outbox WHERE community_id = ? GROUP BY state`, community)
	if err != nil {
		return nil, fmt.Errorf("count mail: %w", err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		m[st] = n
	}
	return m, rows.Err()
}

// NoticeTemplateName names the new-user notification email among the
// community's templates of kind 'email'.
const NoticeTemplateName = "Notificación de nuevo usuario"

// NoticeTemplate returns the community's new-user email (title is the
// subject); ok is false when the administrator never saved one.
func (s *Store) NoticeTemplate(ctx context.Context, community int64) (subject, body string, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT title, body FROM templates WHERE community_id = ? AND kind = 'email' AND name = ?`,
		community, NoticeTemplateName).Scan(&subject, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("read notice email: %w", err)
	}
	return subject, body, true, nil
}

// SaveNoticeTemplate stores the community's new-user email.
func (s *Store) SaveNoticeTemplate(ctx context.Context, community int64, subject, body string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO templates (community_id, kind, name, title, body, is_default, updated_at)
		VALUES (?, 'email', ?, ?, ?, 1, ?)
		ON CONFLICT (community_id, kind, name) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at`,
		community, NoticeTemplateName, subject, body, now())
	if err != nil {
		return fmt.Errorf("save notice email: %w", err)
	}
	return nil
}

// DeleteNoticeTemplate forgets the community's own new-user email, so the
// suggested one applies again ("Restaurar").
func (s *Store) DeleteNoticeTemplate(ctx context.Context, community int64) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM templates WHERE community_id = ? AND kind = 'email' AND name = ?`, community, NoticeTemplateName)
	return err
}

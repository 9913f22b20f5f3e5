package mailer

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"comunidad/data"
)

// Composer turns an outbox row into the message to send: a notice's subject
// and bodies come from the community's template, a letter's PDF is rendered.
type Composer interface {
	Compose(ctx context.Context, m data.OutboxMessage) (Content, error)
}

// Progress is reported when the batch starts (Done 0) and after each message.
type Progress struct {
	Total   int // messages in the batch when it started
	Done    int // sent or failed so far
	Sent    int
	Failed  int
	Current string // the address just handled
}

// Report is what a batch did.
type Report struct {
	Sent, Failed, Cancelled int
	// Recovered and Interrupted count the rows a crashed sender had left in
	// 'sending': put back to pending, or failed because the server may have
	// them (see the package comment).
	Recovered, Interrupted int
}

// Sender runs the outbox of one community.
type Sender struct {
	Store     Outbox
	Community int64
	Account   Account
	// Composer builds each message; nil sends the rows as they are, without PDF.
	Composer Composer
	// Progress, when set, is called once the batch is known and after each
	// message, on the sending goroutine.
	Progress func(Progress)
	// TLSConfig adds to the default TLS settings (tests pass their own CA).
	TLSConfig *tls.Config
	// Timeout bounds each network step; 30 s when zero.
	Timeout time.Duration
	// MaxAttempts is how many times one batch tries a message that fails
	// temporarily (4xx, lost connection); 4 when zero.
	MaxAttempts int
	// Backoff is the wait before try n+1; 2 s, 4 s, 8 s... up to a minute when nil.
	Backoff func(try int) time.Duration
	// OneConnectionPerMessage dials and quits for every message, as a naive
	// sender would (kept for the benchmark that compares both).
	OneConnectionPerMessage bool
}

// heartbeatEvery is how often a sender tells it is alive.
const heartbeatEvery = 15 * time.Second

// staleLock is how long a silent lock holder on another machine (the
// database on a shared folder) is waited for before its lock is taken over.
const staleLock = 10 * time.Minute

func (s *Sender) backoff(try int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(try)
	}
	d := 2 * time.Second << (try - 1)
	if d > time.Minute || d <= 0 {
		d = time.Minute
	}
	return d
}

func (s *Sender) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return 4
}

// Run sends the community's messages pending when it starts (only those in
// only, when it is not empty), oldest first, one connection for all of
// them, until none is left, the
// context is cancelled (the rest are marked cancelled and the context's
// error returned), or the server refuses the account (*AuthError) or cannot
// be reached (*ConnectError), which leave the rest pending.
func (s *Sender) Run(ctx context.Context, only []int64) (rep Report, err error) {
	if err := s.Account.Check(); err != nil {
		return rep, err
	}
	// Bookkeeping must land even when ctx is cancelled.
	db := context.WithoutCancel(ctx)
	owner := lockOwner()
	rep.Recovered, rep.Interrupted, err = s.Store.AcquireOutbox(db, s.Community, owner, takeOver)
	if err != nil {
		return rep, err
	}
	defer s.Store.ReleaseOutbox(db, s.Community, owner)

	pending, err := s.Store.ListOutbox(db, s.Community, data.OutboxFilter{States: []string{data.OutboxPending}, IDs: only})
	if err != nil {
		return rep, err
	}
	// The batch is what is pending now, oldest first, claimed a few at a
	// time by id (a claim over a long IN list per message would cost O(n²)).
	queue := make([]int64, len(pending))
	for i, m := range pending {
		queue[len(pending)-1-i] = m.ID // ListOutbox is newest first
	}
	prog := Progress{Total: len(pending)}
	if s.Progress != nil {
		s.Progress(prog) // the size of the batch, before the first message
	}
	tr := newTransport(s.Account, s.TLSConfig, s.Timeout, !s.OneConnectionPerMessage)
	defer tr.close()

	var interval time.Duration
	if r := s.Account.RatePerMinute; r > 0 {
		interval = time.Minute / time.Duration(r)
	}
	ahead := claimAhead
	if interval > 0 {
		ahead = 1 // a slow batch shows as being sent only what is
	}
	var next time.Time
	beat := time.Now()
	tries := map[int64]int{}
	claimed := map[int64]data.OutboxMessage{} // claimed, not yet started
	asked := map[int64]bool{}                 // in a claim already (gone if not claimed)
	var sent int64                            // sent, recorded with the next message's mark
	// recordSent writes the message sent that no mark recorded yet.
	recordSent := func() error {
		if sent == 0 {
			return nil
		}
		if err := s.Store.FinishOutbox(db, sent, data.OutboxSent, ""); err != nil {
			return err
		}
		sent = 0
		return nil
	}
	// settle writes what the batch owes before it stops: the last message
	// sent, and the claimed ones never started back to pending.
	settle := func() error {
		var errs []error
		if err := recordSent(); err != nil {
			errs = append(errs, err)
		}
		if len(claimed) > 0 {
			ids := make([]int64, 0, len(claimed))
			for id := range claimed {
				ids = append(ids, id)
			}
			if err := s.Store.UnclaimOutbox(db, ids); err != nil {
				errs = append(errs, err)
			} else {
				clear(claimed)
			}
		}
		return errors.Join(errs...)
	}
	defer func() {
		if serr := settle(); serr != nil && err == nil {
			err = serr
		}
	}()
	pos := 0 // queue[pos] is the next message; a retried one stays there
	cancel := func() (Report, error) {
		cerr := settle()
		if rest := queue[pos:]; len(rest) > 0 {
			n, err := s.Store.CancelOutbox(db, s.Community, rest)
			rep.Cancelled += n
			cerr = errors.Join(cerr, err)
		}
		return rep, errors.Join(ctx.Err(), cerr)
	}
	for {
		if ctx.Err() != nil {
			return cancel()
		}
		if pos >= len(queue) {
			return rep, settle()
		}
		m, ok := claimed[queue[pos]]
		if !ok && !asked[queue[pos]] {
			ids := queue[pos:min(pos+ahead, len(queue))]
			got, err := s.Store.ClaimOutboxBatch(db, s.Community, ids)
			if err != nil {
				return rep, err
			}
			for _, id := range ids {
				asked[id] = true
			}
			for _, g := range got {
				claimed[g.ID] = g
			}
			m, ok = claimed[queue[pos]]
		}
		if !ok {
			// Sent, cancelled or changed by someone else meanwhile.
			pos++
			continue
		}
		// The rate limit is waited for with the row claimed (nothing was
		// written to the server yet, so a crash here requeues it).
		if err := sleep(ctx, time.Until(next)); err != nil {
			return cancel()
		}
		if time.Since(beat) > heartbeatEvery {
			_ = s.Store.HeartbeatOutbox(db, s.Community, owner)
			beat = time.Now()
		}
		if interval > 0 {
			next = time.Now().Add(interval)
		}
		tries[m.ID]++
		delete(claimed, m.ID)
		recorded, sendErr := s.sendOne(ctx, tr, m, sent)
		if recorded {
			sent = 0
		}
		// again puts the message back for another try by this batch.
		again := func(lastError string) error {
			delete(asked, m.ID)
			return s.Store.FinishOutbox(db, m.ID, data.OutboxPending, lastError)
		}
		var se *SendError
		var ae *AuthError
		var ce *ConnectError
		switch {
		case sendErr == nil:
			// One the mark did not record (it cannot be: this one would
			// not have gone) is written on its own.
			if err := recordSent(); err != nil {
				return rep, err
			}
			sent = m.ID
			if interval > 0 {
				// The next one waits for the rate limit: no mark to ride with.
				if err := recordSent(); err != nil {
					return rep, err
				}
			}
			rep.Sent++
			prog.Sent++
		case errors.As(sendErr, &ae), errors.Is(sendErr, context.Canceled), errors.Is(sendErr, context.DeadlineExceeded):
			// Not this message's fault: it waits for the next batch.
			if err := again(m.LastError); err != nil {
				return rep, err
			}
			if ae != nil {
				return rep, sendErr
			}
			return cancel()
		case errors.As(sendErr, &ce), errors.As(sendErr, &se) && se.Temporary:
			if tries[m.ID] < s.maxAttempts() {
				if err := again(sendErr.Error()); err != nil {
					return rep, err
				}
				if err := sleep(ctx, s.backoff(tries[m.ID])); err != nil {
					return cancel()
				}
				continue
			}
			if ce != nil {
				// The server is unreachable: every other message would fail too.
				if err := again(sendErr.Error()); err != nil {
					return rep, err
				}
				return rep, sendErr
			}
			if err := s.Store.FinishOutbox(db, m.ID, data.OutboxFailed, sendErr.Error()); err != nil {
				return rep, err
			}
			rep.Failed++
			prog.Failed++
		case errors.As(sendErr, &se) && se.Uncertain:
			if err := s.Store.FailOutboxUncertain(db, m.ID, data.OutboxInterrupted+" ("+se.Reply+")"); err != nil {
				return rep, err
			}
			rep.Failed++
			prog.Failed++
		case errors.As(sendErr, &se):
			if err := s.Store.FinishOutbox(db, m.ID, data.OutboxFailed, se.Reply); err != nil {
				return rep, err
			}
			rep.Failed++
			prog.Failed++
		default:
			// The message could not be built (a template error, a bad address).
			if err := s.Store.FinishOutbox(db, m.ID, data.OutboxFailed, sendErr.Error()); err != nil {
				return rep, err
			}
			rep.Failed++
			prog.Failed++
		}
		pos++
		prog.Done = prog.Sent + prog.Failed
		prog.Current = m.ToAddr
		if s.Progress != nil {
			s.Progress(prog)
		}
	}
}

// claimAhead is how many messages a batch claims in one write: each then
// costs no claim of its own, and no more than these few show as being sent.
const claimAhead = 8

// sendOne builds and sends one claimed row. Its commit mark (with what is
// really sent) is written while the server is asked to take the message
// (connection, MAIL, RCPT, DATA) and waited for before the final "."; the
// same write records message sent (the one before it in the batch, when
// not 0) as sent, and recorded says whether it did. A crash before the "."
// then finds the row marked: it counts as uncertain, never sent twice.
func (s *Sender) sendOne(ctx context.Context, tr *transport, m data.OutboxMessage, sent int64) (recorded bool, err error) {
	db := context.WithoutCancel(ctx)
	c := Content{ToAddr: m.ToAddr, ToName: m.ToName, Subject: m.Subject, HTML: m.BodyHTML, Text: m.BodyText}
	if s.Composer != nil {
		var err error
		if c, err = s.Composer.Compose(ctx, m); err != nil {
			return false, err
		}
	}
	if strings.TrimSpace(c.Subject) == "" && strings.TrimSpace(c.Text) == "" {
		return false, errors.New("el mensaje no tiene asunto ni texto")
	}
	id := m.MessageID
	if id == "" {
		id = NewMessageID(s.Account.From, m.ID)
	}
	// The outbox keeps exactly what is sent: recorded with the commit mark
	// (one write per message), or right away when the message goes no further.
	var content *data.OutboxContent
	if c.Subject != m.Subject || c.HTML != m.BodyHTML || c.Text != m.BodyText || id != m.MessageID {
		content = &data.OutboxContent{Subject: c.Subject, HTML: c.HTML, Text: c.Text, MessageID: id}
	}
	marked := make(chan error, 1)
	go func() { marked <- s.Store.MarkOutbox(db, m.ID, sent, content) }()
	var markErr error
	waited := false
	commit := func() error {
		if !waited {
			markErr, waited = <-marked, true
		}
		return markErr
	}
	msg, err := s.Account.Build(c, id, time.Now())
	if err == nil {
		_, err = tr.send(ctx, msg, commit)
	}
	recorded = commit() == nil // nothing else is written before the mark is
	var se *SendError
	if content != nil && !recorded && errors.As(err, &se) && !se.Uncertain {
		_ = s.Store.SetOutboxContent(db, m.ID, c.Subject, c.HTML, c.Text, id)
	}
	return recorded, err
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var hostname = func() string { h, _ := os.Hostname(); return h }()

// lockOwner names this sender: host, process and a random part (two
// senders in one process are two owners).
func lockOwner() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", hostname, os.Getpid(), hex.EncodeToString(b[:]))
}

// takeOver decides whether a lock held by holder may be taken: its process,
// on this machine, is gone, or it has been silent for staleLock.
func takeOver(holder string, heartbeat time.Time) bool {
	if time.Since(heartbeat) > staleLock {
		return true
	}
	parts := strings.Split(holder, ":")
	if len(parts) != 3 || parts[0] != hostname {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil {
		return true
	}
	return !processAlive(pid)
}

// SendTest sends "Enviar correo de prueba" to addr at once and returns the
// server's refusal as an error. It is recorded in the outbox (Enviados
// lists it) but does not wait for the outbox's lock: a batch being sent,
// here or from another machine, or notices waiting, never hold it back.
// The row is claimed as soon as it is queued, so no batch sends it.
func SendTest(ctx context.Context, st Store, community data.Community, acc Account, addr string, tlsConfig *tls.Config) error {
	if err := acc.Check(); err != nil {
		return err
	}
	addr = strings.TrimSpace(addr)
	if addr == "" {
		addr = acc.From
	}
	subject := "Correo de prueba de Comunidad — " + community.Name
	text := fmt.Sprintf("Este es un correo de prueba enviado por Comunidad para %s.\n\nSi lo recibió, la cuenta de correo está bien configurada: las cartas de bienvenida y los avisos a los nuevos usuarios saldrán desde %s.", community.Name, acc.From)
	res, err := st.QueueOutbox(ctx, []data.OutboxMessage{{
		CommunityID: community.ID, Kind: data.OutboxTest, DedupeKey: fmt.Sprintf("test:%d:%d", community.ID, time.Now().UnixNano()),
		ToAddr: addr, Subject: subject, BodyText: text, BodyHTML: TextToHTML(text),
	}})
	if err != nil {
		return err
	}
	db := context.WithoutCancel(ctx)
	m, ok, err := st.ClaimOutbox(db, community.ID, res.IDs)
	if err != nil {
		return err
	}
	if !ok {
		// A batch of everything pending started in between and took it.
		return waitSent(ctx, st, res.IDs[0])
	}
	snd := &Sender{Store: st, Community: community.ID, Account: acc, TLSConfig: tlsConfig}
	tr := newTransport(acc, tlsConfig, snd.Timeout, false)
	defer tr.close()
	_, sendErr := snd.sendOne(ctx, tr, m, 0)
	var se *SendError
	switch {
	case sendErr == nil:
		return st.FinishOutbox(db, m.ID, data.OutboxSent, "")
	case errors.As(sendErr, &se) && se.Uncertain:
		_ = st.FailOutboxUncertain(db, m.ID, data.OutboxInterrupted+" ("+se.Reply+")")
	case errors.As(sendErr, &se):
		// A test is not retried: the administrator reads the answer now.
		_ = st.FinishOutbox(db, m.ID, data.OutboxFailed, se.Reply)
		return fmt.Errorf("el servidor no aceptó el correo de prueba: %s", se.Reply)
	default:
		_ = st.FinishOutbox(db, m.ID, data.OutboxFailed, sendErr.Error())
	}
	return sendErr
}

// waitSent waits for another sender to finish message id and returns its
// refusal, if any.
func waitSent(ctx context.Context, st Outbox, id int64) error {
	for {
		m, err := st.OutboxByID(context.WithoutCancel(ctx), id)
		if err != nil {
			return err
		}
		switch m.State {
		case data.OutboxSent:
			return nil
		case data.OutboxFailed, data.OutboxCancelled:
			return fmt.Errorf("el servidor no aceptó el correo de prueba: %s", m.LastError)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

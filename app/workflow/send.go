package workflow

import (
	"context"

	"comunidad/app/letter"
	"comunidad/app/mailer"
	"comunidad/data"
)

// Batch is messages recorded in the outbox and the sender that sends them:
// the one place a sender is built and its TLS settings are set.
type Batch struct {
	// IDs are the outbox rows to send; nil sends every pending message of
	// the community.
	IDs []int64
	snd *mailer.Sender
}

// Run sends the batch; progress, when set, is called on the sending
// goroutine once the batch is known and after each message.
func (b *Batch) Run(ctx context.Context, progress func(mailer.Progress)) (mailer.Report, error) {
	b.snd.Progress = progress
	return b.snd.Run(ctx, b.IDs)
}

// sender is the community's sender with its saved account and password; it
// fails with the account's problem before anything is queued.
func (s *Service) sender(ctx context.Context, c data.Community) (*mailer.Sender, error) {
	sec, err := s.knownCredentials(ctx)
	if err != nil {
		return nil, err
	}
	snd, err := mailer.NewSender(ctx, s.Store, sec, c)
	if err != nil {
		return nil, err
	}
	snd.TLSConfig = s.TLSConfig
	return snd, nil
}

// CanSend reports why the community's account cannot send yet (not
// configured, no password), or nil.
func (s *Service) CanSend(ctx context.Context, c data.Community) error {
	_, err := s.sender(ctx, c)
	return err
}

// PlanLetters works out who the welcome letter goes to, without writing.
func (s *Service) PlanLetters(ctx context.Context, c data.Community, req mailer.LetterRequest) (mailer.LetterPlan, error) {
	if req.New {
		var err error
		if req.Only, req.UnitIDs, err = s.newcomers(ctx, c, req.UnitIDs); err != nil {
			return mailer.LetterPlan{}, err
		}
		req.Recipients = letter.AllUsers
	}
	if len(req.UnitIDs) == 0 && !req.AllUnits {
		return mailer.LetterPlan{}, &NoUnitsError{}
	}
	return mailer.PlanLetters(ctx, s.Store, c, req)
}

// QueueLetters records a plan's messages in the outbox and returns the
// batch that sends them. An account that cannot send refuses first, so
// nothing is queued that could not go.
func (s *Service) QueueLetters(ctx context.Context, c data.Community, plan mailer.LetterPlan) (*Batch, error) {
	if len(plan.Missing) > 0 {
		// No letter goes out reading "ubicada en . " or unsigned.
		return nil, &letter.MissingError{Missing: plan.Missing}
	}
	snd, err := s.sender(ctx, c)
	if err != nil {
		return nil, err
	}
	res, err := s.Store.QueueOutbox(ctx, plan.Messages)
	if err != nil {
		return nil, err
	}
	return &Batch{IDs: res.IDs, snd: snd}, nil
}

// Retry arms the failed and cancelled messages (ids, or all of them when
// ids is nil) and returns the batch that sends them, with every pending
// message when ids is nil. again are the messages armed again.
func (s *Service) Retry(ctx context.Context, c data.Community, ids []int64) (b *Batch, again []int64, err error) {
	snd, err := s.sender(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if again, err = s.Store.RetryOutbox(ctx, c.ID, ids); err != nil {
		return nil, nil, err
	}
	b = &Batch{snd: snd}
	if ids != nil {
		b.IDs = again
	}
	return b, again, nil
}

// RetryAll arms every failed and cancelled message (not those that may
// have arrived: see RetryUncertain) and returns the batch of the messages
// then pending, named one by one so that its outcome is theirs alone; b is
// nil when nothing is pending. again are the messages armed again.
func (s *Service) RetryAll(ctx context.Context, c data.Community) (b *Batch, again []int64, err error) {
	b, again, err = s.Retry(ctx, c, nil)
	if err != nil {
		return nil, nil, err
	}
	pending, err := s.Store.ListOutbox(ctx, c.ID, data.OutboxFilter{States: []string{data.OutboxPending}})
	if err != nil {
		return nil, nil, err
	}
	if len(pending) == 0 {
		return nil, again, nil
	}
	b.IDs = make([]int64, len(pending))
	for i, m := range pending {
		b.IDs[i] = m.ID
	}
	return b, again, nil
}

// Uncertain lists the messages that may have arrived (the connection was
// lost as the server took them), newest first.
func (s *Service) Uncertain(ctx context.Context, c data.Community) ([]data.OutboxMessage, error) {
	return s.Store.ListOutbox(ctx, c.ID, data.OutboxFilter{Uncertain: true})
}

// RetryUncertain arms the messages ids that may have arrived, once the
// administrator confirmed for each that its recipient did not get it, and
// returns the batch that sends the ones armed (nil when none was still
// uncertain).
func (s *Service) RetryUncertain(ctx context.Context, c data.Community, ids []int64) (*Batch, error) {
	snd, err := s.sender(ctx, c)
	if err != nil {
		return nil, err
	}
	var armed []int64
	for _, id := range ids {
		ok, err := s.Store.RetryUncertainOutbox(ctx, c.ID, id)
		if err != nil {
			return nil, err
		}
		if ok {
			armed = append(armed, id)
		}
	}
	if len(armed) == 0 {
		return nil, nil
	}
	return &Batch{IDs: armed, snd: snd}, nil
}

// PendingNotices is the batch of new-user notices waiting in the outbox,
// or nil when there is none or the account cannot send yet (no account or
// no password: they wait until Enviados sends them, or the next batch).
func (s *Service) PendingNotices(ctx context.Context, c data.Community) (*Batch, error) {
	ids, err := mailer.PendingNotices(ctx, s.Store, c.ID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	set, err := mailer.LoadSettings(ctx, s.Store, c.ID)
	if err != nil {
		return nil, err
	}
	if !set.Configured() {
		return nil, nil
	}
	snd, err := s.sender(ctx, c)
	if err != nil {
		return nil, nil // no password yet: they wait like the rest
	}
	return &Batch{IDs: ids, snd: snd}, nil
}

// SendTest sends the test email of Configuración → Correo with the saved
// account to addr (the account's own address when empty).
func (s *Service) SendTest(ctx context.Context, c data.Community, addr string) error {
	set, err := mailer.LoadSettings(ctx, s.Store, c.ID)
	if err != nil {
		return err
	}
	sec, err := s.knownCredentials(ctx)
	if err != nil {
		return err
	}
	pass, err := mailer.Password(sec, c.ID)
	if err != nil {
		return err
	}
	return mailer.SendTest(ctx, s.Store, c, mailer.Account{Settings: set, Password: pass}, addr, s.TLSConfig)
}

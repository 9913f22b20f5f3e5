package mailer

import (
	"context"
	"time"

	"comunidad/app/letter"
	"comunidad/data"
)

// Outbox is where messages wait and what a sender records of each one
// (data.Store is the embedded one).
type Outbox interface {
	QueueOutbox(ctx context.Context, msgs []data.OutboxMessage) (data.QueueResult, error)
	OutboxByID(ctx context.Context, id int64) (data.OutboxMessage, error)
	ListOutbox(ctx context.Context, community int64, f data.OutboxFilter) ([]data.OutboxMessage, error)
	AcquireOutbox(ctx context.Context, community int64, owner string, takeOver func(holder string, heartbeat time.Time) bool) (requeued, interrupted int, err error)
	HeartbeatOutbox(ctx context.Context, community int64, owner string) error
	ReleaseOutbox(ctx context.Context, community int64, owner string) error
	ClaimOutbox(ctx context.Context, community int64, only []int64) (m data.OutboxMessage, ok bool, err error)
	ClaimOutboxBatch(ctx context.Context, community int64, ids []int64) ([]data.OutboxMessage, error)
	UnclaimOutbox(ctx context.Context, ids []int64) error
	MarkOutbox(ctx context.Context, id, sent int64, content *data.OutboxContent) error
	SetOutboxContent(ctx context.Context, id int64, subject, html, text, messageID string) error
	FinishOutbox(ctx context.Context, id int64, state, lastError string) error
	FailOutboxUncertain(ctx context.Context, id int64, lastError string) error
	CancelOutbox(ctx context.Context, community int64, ids []int64) (int, error)
}

// NoticeStore keeps a community's own new-user email.
type NoticeStore interface {
	NoticeTemplate(ctx context.Context, community int64) (subject, body string, ok bool, err error)
	SaveNoticeTemplate(ctx context.Context, community int64, subject, body string) error
	DeleteNoticeTemplate(ctx context.Context, community int64) error
}

// Store is everything mailer reads and writes: the outbox, the letter and
// notice templates, the users a letter goes to and the settings.
type Store interface {
	Outbox
	NoticeStore
	SettingsStore
	letter.TemplateStore
	Template(ctx context.Context, id int64) (data.Template, error)
	UserRows(ctx context.Context, community int64) ([]data.UserRow, error)
	PlanAccounts(ctx context.Context, community int64, unitIDs []int64) (data.AccountsReport, error)
}

package data

import (
	"context"
	"time"
)

// Tx is the repository inside one transaction (InTx): what the function
// given to InTx writes through it is kept together or not at all. The
// packages above data see only this, never *sql.Tx, so another engine can
// bring its own.
type Tx interface {
	// SetSetting stores key = value for a community (or Global).
	SetSetting(ctx context.Context, community int64, key, value string) error
	// CreateAccounts creates the missing portal accounts of the units (all
	// when unitIDs is empty), as Store.CreateAccounts does.
	CreateAccounts(ctx context.Context, community int64, unitIDs []int64, now time.Time) (AccountsReport, error)
}

// InTx runs fn inside one write transaction (see Store.Tx): everything fn
// wrote through tx is committed when it returns nil, and nothing is left
// behind when it returns an error, panics, or ctx is cancelled.
func (s *Store) InTx(ctx context.Context, fn func(tx Tx) error) error {
	return s.Tx(ctx, func(t *DBTx) error { return fn(sqlTx{t}) })
}

// sqlTx is Tx on one transaction of either engine.
type sqlTx struct{ q *DBTx }

func (t sqlTx) SetSetting(ctx context.Context, community int64, key, value string) error {
	return SetSettingTx(ctx, t.q, community, key, value)
}

func (t sqlTx) CreateAccounts(ctx context.Context, community int64, unitIDs []int64, now time.Time) (AccountsReport, error) {
	if err := lockCommunity(ctx, t.q, community); err != nil {
		return AccountsReport{}, err
	}
	return CreateAccountsTx(ctx, t.q, community, unitIDs, now)
}

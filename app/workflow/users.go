package workflow

import (
	"context"
	"io"

	"comunidad/app/userfile"
	"comunidad/data"
)

// PlanAccounts says, without writing, which portal accounts "Generar
// usuarios" would create for the units (all when unitIDs is empty) and who
// would be left without one.
func (s *Service) PlanAccounts(ctx context.Context, c data.Community, unitIDs []int64) (data.AccountsReport, error) {
	return s.Store.PlanAccounts(ctx, c.ID, unitIDs)
}

// GenerateUsers creates the missing portal accounts of the units and
// writes the bulk users workbook to w, in one transaction: when the
// workbook cannot be written or ctx is cancelled, no account is created.
// progress, when set, is told now and then how many rows are written.
func (s *Service) GenerateUsers(ctx context.Context, c data.Community, unitIDs []int64, w io.Writer, progress func(done, total int)) (data.AccountsReport, error) {
	return userfile.Generate(ctx, s.Store, c.ID, unitIDs, w, userfile.Options{Progress: progress})
}

// GenerateUsersFile is GenerateUsers into the file at path, written
// atomically (the path holds the whole new workbook or what it held).
func (s *Service) GenerateUsersFile(ctx context.Context, c data.Community, unitIDs []int64, path string) (data.AccountsReport, error) {
	return userfile.GenerateFile(ctx, s.Store, c.ID, unitIDs, path, userfile.Options{})
}

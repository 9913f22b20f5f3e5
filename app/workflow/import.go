package workflow

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"comunidad/app/kastor"
	"comunidad/app/secret"
	"comunidad/data"
)

// TokenKey names a community's Kastor URL token in the credential store
// (Configuración → Importación desde Kastor saves it; an import from the
// community's URL uses it).
func TokenKey(community int64) string { return "kastor.token:" + strconv.FormatInt(community, 10) }

// SourceURLKey names, in the credential store, a community's source URL
// whole: the database and its backups keep it only without its password
// and query string (data.RedactSource), which often carry keys.
func SourceURLKey(community int64) string { return "kastor.url:" + strconv.FormatInt(community, 10) }

// RememberSource keeps source's secret parts for the community: when the
// URL carries a password or a query string, it goes whole into the
// credential store, and a later import from its stored (redacted) form
// uses it. A source without secrets forgets any kept before.
func (s *Service) RememberSource(ctx context.Context, community int64, source string) error {
	source = strings.TrimSpace(source)
	sec, err := s.Credentials(ctx)
	if err != nil {
		return err
	}
	if !kastor.IsURL(source) || data.RedactSource(source) == source {
		err := sec.Delete(SourceURLKey(community))
		if err != nil && !errors.Is(err, secret.ErrNotFound) {
			return err
		}
		return nil
	}
	return sec.Set(SourceURLKey(community), source)
}

// fullSource is the URL whole when source is the stored, redacted form of
// the one kept for the community.
func (s *Service) fullSource(ctx context.Context, community int64, source string) string {
	sec, err := s.knownCredentials(ctx)
	if err != nil || sec == nil || community == 0 || !kastor.IsURL(source) {
		return source
	}
	full, err := sec.Get(SourceURLKey(community))
	if err == nil && full != "" && data.RedactSource(full) == strings.TrimSpace(source) {
		return full
	}
	return source
}

// ImportRequest is one "Importar datos" / "comunidad sync".
type ImportRequest struct {
	// Source is the export: a file's path or a URL.
	Source string
	// CommunityID is the community the export updates when it is known
	// before reading (0: a new community, or one to find by the export's
	// title); its saved token is used for a URL without Token.
	CommunityID int64
	// Token is the URL's token; "" uses the one saved for CommunityID.
	Token string
	// Progress, when set, is told the share of the work done (0..1):
	// reading is the first half, saving the second.
	Progress func(float64)
	// Confirm, when set, is asked once the export is read and checked and
	// before anything is written (the backup included), with im.Pending
	// holding the plan and the guard rails it trips; false cancels the
	// import with context.Canceled. This is where the window shows what
	// the import is about to change and asks.
	Confirm func(ctx context.Context, im *Import, target data.SyncTarget) (bool, error)
	// AcceptGuards imports even when guard rails trip and there is no
	// Confirm to ask (the command line's --yes). Without it, Save refuses
	// with a *GuardError.
	AcceptGuards bool
}

// Import is an export read and not saved yet.
type Import struct {
	Source string
	Result *kastor.Result
	// Pending is the plan Save is about to apply, with its guard rails,
	// while Confirm is asked.
	Pending *Preview
	s       *Service
	req     ImportRequest
	opts    kastor.Options
}

func (r ImportRequest) progress(f float64) {
	if r.Progress != nil {
		r.Progress(f)
	}
}

// ReadImport reads the export (with the community's saved token for a
// URL), without writing anything.
func (s *Service) ReadImport(ctx context.Context, req ImportRequest) (*Import, error) {
	r, err := s.readImport(ctx, req)
	return r, cancelled(ctx, err)
}

func (s *Service) readImport(ctx context.Context, req ImportRequest) (*Import, error) {
	req.Source = s.fullSource(ctx, req.CommunityID, req.Source)
	opts := kastor.Options{Token: req.Token}
	if opts.Token == "" && req.CommunityID != 0 && kastor.IsURL(req.Source) {
		sec, err := s.knownCredentials(ctx)
		if err != nil {
			return nil, err
		}
		if sec != nil {
			if t, err := sec.Get(TokenKey(req.CommunityID)); err == nil {
				opts.Token = t
			}
		}
	}
	read := opts
	read.Progress = func(f float64) { req.progress(f / 2) }
	res, err := kastor.Read(ctx, req.Source, read)
	if err != nil {
		return nil, err
	}
	return &Import{Source: req.Source, Result: res, s: s, req: req, opts: opts}, nil
}

// ImportTarget is where a command's import goes, as far as it is known
// before the export is read: the community called name (a new one by that
// name when there is none), or the only one there is. Otherwise it is empty
// and Import.Target settles it once the export is read.
func (s *Service) ImportTarget(ctx context.Context, name string) (data.SyncTarget, error) {
	r, err := s.importTarget(ctx, name)
	return r, cancelled(ctx, err)
}

func (s *Service) importTarget(ctx context.Context, name string) (data.SyncTarget, error) {
	var t data.SyncTarget
	if name != "" {
		c, err := s.Store.CommunityByName(ctx, name)
		switch {
		case err == nil:
			t.CommunityID = c.ID
		case errors.Is(err, data.ErrNotFound):
			t.CommunityName = strings.TrimSpace(name)
		default:
			return t, err
		}
		return t, nil
	}
	cs, err := s.Store.Communities(ctx)
	if err != nil {
		return t, err
	}
	if len(cs) == 1 {
		t.CommunityID = cs[0].ID
	}
	return t, nil
}

// Target settles which community the export goes to when the command line
// named none and the database holds several: the one the export's title
// names, or a *SeveralCommunitiesError. Any other target is returned as it is.
func (im *Import) Target(ctx context.Context, t data.SyncTarget) (data.SyncTarget, error) {
	r, err := im.target(ctx, t)
	return r, cancelled(ctx, err)
}

func (im *Import) target(ctx context.Context, t data.SyncTarget) (data.SyncTarget, error) {
	if t.CommunityID != 0 || strings.TrimSpace(t.CommunityName) != "" {
		return t, nil
	}
	cs, err := im.s.Store.Communities(ctx)
	if err != nil {
		return t, err
	}
	if len(cs) <= 1 {
		if len(cs) == 1 {
			t.CommunityID = cs[0].ID
		}
		return t, nil
	}
	c, err := im.s.Store.CommunityByName(ctx, im.Result.SuggestedName())
	if err != nil {
		return t, &SeveralCommunitiesError{N: len(cs)}
	}
	t.CommunityID = c.ID
	return t, nil
}

// Save writes the export into target in one transaction, in this order:
//  1. a new community's name must still be free (another window or
//     command may have taken it since it was asked): *NameTakenError;
//  2. the preview (Import.Preview): the plan and its guard rails;
//  3. Confirm, when the request has one; without it, guard rails refuse
//     with a *GuardError unless AcceptGuards;
//  4. a backup of the database, unless it holds no community yet
//     (nothing to protect) or keeps no backups of itself (a Backuper):
//     *BackupError;
//  5. the plan previewed, applied as it is (kastor.ApplyPlan), and what
//     undoing it needs (UndoLastImport) kept.
//
// A cancelled ctx at any step leaves the database as it was.
func (im *Import) Save(ctx context.Context, target data.SyncTarget) (data.SyncReport, error) {
	r, err := im.save(ctx, target)
	return r, cancelled(ctx, err)
}

func (im *Import) save(ctx context.Context, target data.SyncTarget) (data.SyncReport, error) {
	st := im.s.Store
	cs, err := st.Communities(ctx)
	if err != nil {
		return data.SyncReport{}, err
	}
	if target.CommunityID == 0 {
		for _, c := range cs {
			if data.Fold(strings.TrimSpace(c.Name)) == data.Fold(strings.TrimSpace(target.CommunityName)) {
				return data.SyncReport{}, &NameTakenError{Community: c}
			}
		}
	}
	pv, err := im.Preview(ctx, target)
	if err != nil {
		return data.SyncReport{}, err
	}
	im.Pending = pv
	switch {
	case im.req.Confirm != nil:
		ok, err := im.req.Confirm(ctx, im, target)
		if err != nil {
			return data.SyncReport{}, err
		}
		if !ok {
			return data.SyncReport{}, context.Canceled
		}
	case len(pv.Guards) > 0 && !im.req.AcceptGuards:
		return data.SyncReport{}, &GuardError{Guards: pv.Guards}
	}
	backup := ""
	if bk, ok := AsBackuper(st); ok && len(cs) > 0 {
		b, err := bk.Backup(ctx, data.ReasonSync)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return data.SyncReport{}, err
			}
			return data.SyncReport{}, &BackupError{Err: err}
		}
		backup = b.Path
	}
	save := im.opts
	save.Progress = func(f float64) { im.req.progress(0.5 + f/2) }
	// The plan shown is the plan written: a change since (an edit in the
	// window, another import) is data.ErrStalePlan, and nothing is written.
	rep, err := kastor.ApplyPlan(ctx, st, target, im.Source, im.Result, pv.Plan, save)
	if err == nil && backup != "" {
		_ = im.s.recordUndo(ctx, rep, backup) // best effort: the import is saved
	}
	if err == nil && kastor.IsURL(im.Source) {
		if c, cerr := st.Community(ctx, rep.CommunityID); cerr == nil && c.Source == data.RedactSource(im.Source) {
			// The community remembers this URL: keep its secret parts
			// where the database does not. Best effort: the import is saved.
			_ = im.s.RememberSource(ctx, c.ID, im.Source)
		}
	}
	return rep, err
}

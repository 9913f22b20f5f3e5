package ui

import (
	"comunidad/data"
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// watcher is a store that tells of other desktops' changes (the office
// database: data.Store.Watch over LISTEN/NOTIFY).
type watcher interface {
	Watch(ctx context.Context, changed func(community int64)) error
}

// liveRefresh is how long the window gathers other desktops' changes
// before reading again: a batch of letters sent elsewhere notifies once a
// message, and one reload a moment later shows them all. Well under the two
// seconds within which another desktop's change must show.
var liveRefresh = 400 * time.Millisecond

// deliverLive hands what another desktop changed to the UI goroutine.
// Tests replace it (as they replace background): Fyne's test driver runs
// fyne.Do on the calling goroutine, here the timer's.
var deliverLive = fyne.Do

type liveState struct {
	stop    context.CancelFunc
	mu      sync.Mutex
	pending map[int64]bool // communities changed since the last refresh (0: everything)
	timer   *time.Timer
}

// watch follows the store's changes made elsewhere, if it tells of them,
// until the store is replaced (watch again) or the window closes.
func (u *UI) watch() {
	if u.live.stop != nil {
		u.live.stop()
		u.live.stop = nil
	}
	w, ok := u.st.(watcher)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.live.stop = cancel
	st := u.st
	go w.Watch(ctx, func(id int64) {
		u.live.mu.Lock()
		defer u.live.mu.Unlock()
		if u.live.pending == nil {
			u.live.pending = map[int64]bool{}
		}
		u.live.pending[id] = true
		if u.live.timer != nil {
			return
		}
		u.live.timer = time.AfterFunc(liveRefresh, func() {
			u.live.mu.Lock()
			changed := u.live.pending
			u.live.pending, u.live.timer = nil, nil
			u.live.mu.Unlock()
			if ctx.Err() != nil {
				return
			}
			deliverLive(func() {
				if u.st == st {
					u.changedElsewhere(changed)
				}
			})
		})
	})
}

// changedElsewhere shows what another desktop changed: the community on
// screen read again (keeping the search, filters, selection and scroll, as
// after a change made here), and the list of communities when one the
// window does not know appeared. Nothing else is reset: a form being filled
// in Configuración keeps what was typed.
func (u *UI) changedElsewhere(changed map[int64]bool) {
	unknown := changed[0]
	for id := range changed {
		if id == 0 {
			continue
		}
		known := false
		for _, c := range u.communities {
			if c.ID == id {
				known = true
			}
		}
		if !known {
			unknown = true
		}
	}
	if unknown {
		u.refreshCommunities()
	}
	if cur := u.units.community.ID; cur != 0 && (changed[cur] || changed[0]) {
		u.units.reload()
	}
}

// refreshCommunities reads the communities again and updates the selector;
// the community on screen stays, unless it is gone.
func (u *UI) refreshCommunities() {
	st := u.st
	background(func() {
		cs, err := st.Communities(context.Background())
		fyne.Do(func() {
			if err != nil || u.st != st {
				return
			}
			still := false
			for _, c := range cs {
				if c.ID == u.community.ID {
					still = true
				}
			}
			if !still || len(u.communities) == 0 {
				u.setCommunities(cs)
				return
			}
			u.communities = cs
			u.setSelector(cs)
			u.selector.SetSelected(u.community.Name)
		})
	})
}

// whoText is a recorded «ana@PC-ADMIN2» (data.WhoText) as the user reads
// it: «ana en PC-ADMIN2».
func whoText(who string) string {
	return data.DescribeWho(who, func(u, h string) string {
		return lang.X("who.userhost", "{{.User}} en {{.Host}}", map[string]any{"User": u, "Host": h})
	})
}

// addedByText is «agregado por ana en PC-ADMIN2, 02-12-2026 10:14» for an
// added user, "" when the row does not say (written before it was kept).
func addedByText(who string, at time.Time) string {
	if who == "" {
		return ""
	}
	if at.IsZero() {
		return lang.X("units.modal.addedby.nodate", "Agregado por {{.Who}}", map[string]any{"Who": whoText(who)})
	}
	return lang.X("units.modal.addedby", "Agregado por {{.Who}}, {{.When}}", map[string]any{"Who": whoText(who), "When": FormatDateTime(at)})
}

// runByText is « · por ana en PC-ADMIN2» after an import's history line.
func runByText(who string) string {
	if who == "" {
		return ""
	}
	return lang.X("kastor.history.by", " · por {{.Who}}", map[string]any{"Who": whoText(who)})
}

// Package printers lists the printers this computer can print to and
// which one the system uses by default: CUPS's lpstat on Linux and macOS,
// the print spooler (winspool) on Windows. It does not import Fyne: the
// window offers the list in its printer picker and puts the errors into the
// user's words.
package printers

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// Errors List returns when there is no print system to ask.
var (
	// ErrNoSystem: no print system is installed (no lpstat).
	ErrNoSystem = errors.New("no print system (lpstat) found")
	// ErrNoScheduler: the print system is installed but not running (cupsd).
	ErrNoScheduler = errors.New("the print scheduler is not running")
)

// List is the system's printers: their names, sorted, and the default one
// ("" when the system has none, which CUPS allows even with printers).
type List struct {
	Names   []string
	Default string
}

// Choose is the printer to offer first: the one chosen last time when it
// still exists, else the system's default, else the first one; "" when
// there is no printer at all.
func (l List) Choose(last string) string {
	switch {
	case last != "" && slices.Contains(l.Names, last):
		return last
	case l.Default != "" && slices.Contains(l.Names, l.Default):
		return l.Default
	case len(l.Names) > 0:
		return l.Names[0]
	}
	return ""
}

// Printers asks the system for its printers.
func Printers(ctx context.Context) (List, error) {
	l, err := list(ctx)
	if err != nil {
		return List{}, err
	}
	slices.SortFunc(l.Names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	l.Names = slices.Compact(l.Names)
	return l, nil
}

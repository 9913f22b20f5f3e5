//go:build !windows

package desktop

import (
	"context"
	"errors"
	"net/url"
)

func open(abs string, openURL func(*url.URL) error) error {
	return openURL(FileURL(abs))
}

// ShellPrint is Windows' print verb; elsewhere CUPS prints (lp, lpr).
func ShellPrint(context.Context, string, string) error {
	return errors.New("desktop.ShellPrint: only on Windows")
}

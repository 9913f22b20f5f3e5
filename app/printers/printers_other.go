//go:build !windows

package printers

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// list asks CUPS: "lpstat -e" names every destination (printers and
// classes, also when none is the default), "lpstat -d" the default.
func list(ctx context.Context) (List, error) {
	lpstat, err := exec.LookPath("lpstat")
	if err != nil {
		return List{}, ErrNoSystem
	}
	out, err := run(ctx, lpstat, "-e")
	if err != nil {
		// CUPS before 2.2 has no -e: "lpstat -a" lists the destinations that
		// accept jobs, one a line, the name first.
		if out, err = run(ctx, lpstat, "-a"); err != nil {
			return List{}, err
		}
		return List{Names: firstFields(out), Default: defaultOf(ctx, lpstat)}, nil
	}
	return List{Names: firstFields(out), Default: defaultOf(ctx, lpstat)}, nil
}

func run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cmd.Environ(), "LANG=C", "LC_ALL=C") // answers we can read
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.ToLower(errb.String() + out.String())
		// No destinations at all is an empty list, not an error.
		if strings.Contains(msg, "no destinations added") {
			return "", nil
		}
		if strings.Contains(msg, "scheduler is not running") || strings.Contains(msg, "unable to connect") {
			return "", ErrNoScheduler
		}
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// firstFields is the first word of each line (a destination's name has no spaces in CUPS).
func firstFields(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			names = append(names, f[0])
		}
	}
	return names
}

// defaultOf reads "system default destination: NAME" (or "no system
// default destination", which is "").
func defaultOf(ctx context.Context, lpstat string) string {
	out, err := run(ctx, lpstat, "-d")
	if err != nil {
		return ""
	}
	return parseDefault(out)
}

func parseDefault(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if _, name, ok := strings.Cut(l, "system default destination:"); ok {
			return strings.TrimSpace(name)
		}
	}
	return ""
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"comunidad/data"
)

func init() {
	register(&command{
		name:    "communities",
		summary: "lista las comunidades de la base de datos",
		run:     runCommunities,
	})
}

func runCommunities(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("communities")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Communities(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COMUNIDAD\tDIRECCIÓN\tÚLTIMA IMPORTACIÓN")
	for _, c := range cs {
		last := "nunca"
		if !c.LastSyncAt.IsZero() {
			last = c.LastSyncAt.Local().Format("02-01-2006 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Address, last)
	}
	return tw.Flush()
}

// newFlagSet is a subcommand's flag set: errors come back as one-line user
// errors instead of being printed with the whole usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// communityLookup finds communities (data.Store).
type communityLookup interface {
	Communities(ctx context.Context) ([]data.Community, error)
	CommunityByName(ctx context.Context, name string) (data.Community, error)
}

// unitLookup finds a community's unit by its code (data.Store).
type unitLookup interface {
	UnitByCode(ctx context.Context, community int64, code string) (data.Unit, error)
}

// community resolves --community: the named one, or the only one there is.
func community(ctx context.Context, st communityLookup, name string) (data.Community, error) {
	if name != "" {
		c, err := st.CommunityByName(ctx, name)
		if err != nil {
			return c, errorf("no existe la comunidad %q", name)
		}
		return c, nil
	}
	cs, err := st.Communities(ctx)
	if err != nil {
		return data.Community{}, err
	}
	switch len(cs) {
	case 0:
		return data.Community{}, errorf("la base de datos no tiene comunidades: importe una con \"comunidad sync ARCHIVO\"")
	case 1:
		return cs[0], nil
	}
	return data.Community{}, errorf("hay %d comunidades: elija una con --community", len(cs))
}

// parseFlags parses a subcommand's options and turns the flag package's
// English complaints into one Spanish line.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil {
		return nil
	}
	if errors.Is(err, flag.ErrHelp) {
		return helpRequest{fs}
	}
	msg := err.Error()
	for en, es := range map[string]string{
		"flag provided but not defined: ": "opción desconocida: ",
		"flag needs an argument: ":        "falta el valor de la opción ",
		"invalid value ":                  "valor inválido ",
		"invalid boolean value ":          "valor inválido ",
	} {
		if strings.HasPrefix(msg, en) {
			msg = es + strings.TrimPrefix(msg, en)
			break
		}
	}
	if fs.Name() == "comunidad" {
		return errorf("%s (vea comunidad --help)", msg)
	}
	return errorf("%s: %s (vea comunidad %s --help)", fs.Name(), msg, fs.Name())
}

// unitByCode finds a unit of c by its Kastor code, with the one line a user
// gets when the community has no such unit.
func unitByCode(ctx context.Context, st unitLookup, c data.Community, code string) (data.Unit, error) {
	code = strings.TrimSpace(code)
	u, err := st.UnitByCode(ctx, c.ID, code)
	if errors.Is(err, data.ErrNotFound) {
		return u, errorf("la comunidad %s no tiene la unidad %q", c.Name, code)
	}
	return u, err
}

// unitIDs resolves a --units list ("A-101, A-102"): the ids of the units it
// names, in its order; empty entries are skipped.
func unitIDs(ctx context.Context, st unitLookup, c data.Community, list string) ([]int64, error) {
	var ids []int64
	for _, code := range strings.Split(list, ",") {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		u, err := unitByCode(ctx, st, c, code)
		if err != nil {
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

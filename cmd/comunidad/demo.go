package main

import (
	"context"

	"comunidad/data"
)

// ensureDemo fills an empty demo database from the embedded demo export.
// The Kastor sync provides the import.
func ensureDemo(ctx context.Context, st *data.Store) error {
	cs, err := st.Communities(ctx)
	if err != nil || len(cs) > 0 {
		return err
	}
	_, err = st.CreateCommunity(ctx, "Condominio Demostración")
	return err
}

package main

import (
	"context"
	"fmt"

	"comunidad/app/kastor"
	"comunidad/assets"
	"comunidad/data"
)

// demoCommunity is the demo database's community, named in the demo
// export's title row.
const demoCommunity = "Condominio Parque Los Aromos"

// ensureDemo fills an empty demo database from the embedded demo export,
// through the same import a real export goes through.
func ensureDemo(ctx context.Context, st *data.Store) error {
	cs, err := st.Communities(ctx)
	if err != nil || len(cs) > 0 {
		return err
	}
	res, err := kastor.ReadBytes(ctx, assets.DemoExportName, assets.DemoExport, kastor.Options{})
	if err != nil {
		return fmt.Errorf("demo export: %w", err)
	}
	// The source is only the file's name: "Importar datos" on the demo asks
	// for a file rather than re-reading the embedded one.
	_, err = st.ApplySnapshot(ctx, data.SyncTarget{CommunityName: demoCommunity}, assets.DemoExportName, res.Snapshot, nil)
	if err != nil {
		return fmt.Errorf("demo export: %w", err)
	}
	return nil
}

package main

import (
	"context"
	"fmt"

	"comunidad/app/kastor"
	"comunidad/app/letter"
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
	rep, err := st.Sync(ctx, data.SyncTarget{CommunityName: demoCommunity}, assets.DemoExportName, func(state *data.SyncState) (*data.SyncPlan, error) {
		return kastor.Plan(res.Snapshot, state)
	}, nil)
	if err != nil {
		return fmt.Errorf("demo export: %w", err)
	}
	// The administration's details, so that the demo's letters read whole
	// (a real community fills them in Configuración).
	c, err := st.Community(ctx, rep.CommunityID)
	if err != nil {
		return err
	}
	c.Address = "Av. Los Aromos 1550, Maipú, Santiago"
	if err := st.UpdateCommunity(ctx, c); err != nil {
		return err
	}
	set := letter.DefaultSettings()
	set.AdminName = "Administración Parque Los Aromos"
	set.AdminEmail = "administracion@ejemplo.cl"
	set.AdminPhone = "+56 2 2345 6789"
	set.SignatureLine = "Administradora del condominio"
	set.PortalURL = "https://portal.ejemplo.cl"
	return letter.SaveSettings(ctx, st, c.ID, set)
}

package assets

import _ "embed"

// DemoExport is a Kastor export (the community set-up sheet, one row per
// person) of a made-up community, "Condominio Parque Los Aromos": two
// towers, 240 inmuebles with storage rooms and parking, owners and tenants.
// The demo database is built from it. Regenerate it with
// go run ./app/kastor/internal/demogen assets/demo/kastor-demo.xlsx.
//
//go:embed demo/kastor-demo.xlsx
var DemoExport []byte

// DemoExportName is the demo export's file name, as import reports show it.
const DemoExportName = "kastor-demo.xlsx"

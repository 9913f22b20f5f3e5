package comunidad

import "testing"

func TestAppMeta(t *testing.T) {
	m := AppMeta()
	if m.ID != "cl.comunidad.app" || m.Name != "Comunidad" || m.Version == "" || m.Build < 1 {
		t.Fatalf("AppMeta() = %+v", m)
	}
	if !m.Migrations["fyneDo"] {
		t.Fatal("FyneApp.toml must opt into the fyneDo migration")
	}
}

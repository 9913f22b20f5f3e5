package ui

import "testing"

func TestCountsAgreeWithTheirNumber(t *testing.T) {
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{backupContents(1, 1, 1), "1 comunidad, 1 unidad, 1 persona"},
		{backupContents(2, 1240, 0), "2 comunidades, 1.240 unidades, 0 personas"},
		{inmueblesText(1) + " / " + inmueblesText(10000), "1 inmueble / 10.000 inmuebles"},
		{usersText(1) + " / " + usersText(30000), "1 usuario / 30.000 usuarios"},
		{notEligibleText(1), "1 usuario de Kastor no es propietario ni cuenta principal: no se le crea cuenta."},
		{notEligibleText(3), "3 usuarios de Kastor no son propietarios ni cuenta principal: no se les crea cuenta."},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

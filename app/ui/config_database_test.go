package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/officedb"
	"comunidad/app/secret"
	"comunidad/data"
	"comunidad/data/datatest"
	"comunidad/internal/enginetest"
	"comunidad/internal/pgtest"
)

// databaseUI is a window on a database file of this computer, whose
// Configuración → Base de datos opens the file again or a real PostgreSQL.
func databaseUI(t *testing.T, local *data.Store, localPath string, sec *secret.Store) (*UI, fyne.Window) {
	t.Helper()
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w, Options{Store: local, Secrets: sec, Databases: &Databases{
		LocalPath: localPath,
		Open: func(ctx context.Context, cfg *officedb.Config, password string) (Store, error) {
			if cfg == nil {
				return data.Open(ctx, localPath)
			}
			return data.OpenPostgresPassword(ctx, cfg.URL(), password)
		},
	}})
	t.Cleanup(func() {
		w.Close()
		u.Store().Close()
	})
	return u, w
}

func (u *UI) databaseSection() *databaseSection {
	for i, s := range u.config.sections {
		if d, ok := s.(*databaseSection); ok {
			u.tabs.SelectIndex(1)
			u.config.list.Select(i)
			return d
		}
	}
	return nil
}

func engineOf(st Store) string {
	if ds, ok := st.(*data.Store); ok {
		return ds.Engine()
	}
	return "?"
}

// fill types the office settings into the section's form.
func (s *databaseSection) fill(cfg officedb.Config, password string) {
	s.choice.SetSelected(s.choice.Options[1])
	s.host.SetText(cfg.Host)
	s.port.SetText("")
	if cfg.Port != 0 {
		s.port.SetText(strconv.Itoa(cfg.Port))
	}
	s.database.SetText(cfg.Database)
	s.user.SetText(cfg.User)
	s.password.SetText(password)
	for i, m := range tlsChoices {
		if m == cfg.TLS {
			s.tls.SetSelectedIndex(i)
		}
	}
}

// An office moves in from the window: the settings typed, «Probar
// conexión» says what is wrong (a wrong password, a closed port) and then
// that the server answers with an empty database; «Copiar esta base a la
// oficina» copies both communities, says what it wrote table by table, and
// puts the window on the office database, remembered with its password in
// the credential store; Copias de seguridad then says the server keeps the
// backups and exports to a file Comunidad opens; «Este equipo» goes back.
func TestDatabaseSectionMovesTheOfficeIn(t *testing.T) {
	enginetest.PostgresOnly(t) // a file and the office database side by side: once
	ctx := context.Background()
	dir := t.TempDir()
	localPath := filepath.Join(dir, "comunidad.db")
	local, err := data.Open(ctx, localPath)
	if err != nil {
		t.Fatal(err)
	}
	seedTower(t, local, "Edificio Torre", 10)
	seedTower(t, local, "Parque Los Aromos", 5)
	cfg, pass, err := officedb.ParseURL(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	sec := secret.NewFileOnly(filepath.Join(dir, "secrets.json"))
	u, w := databaseUI(t, local, localPath, sec)
	eventually(t, "the communities", func() bool { return len(u.communities) == 2 })

	var s *databaseSection
	fyne.DoAndWait(func() { s = u.databaseSection() })
	if s == nil {
		t.Fatal("no Base de datos section in Configuración")
	}
	if got := s.current.Text; got != "En uso: este equipo ("+localPath+")." {
		t.Fatalf("current = %q", got)
	}
	if s.form.Visible() {
		t.Fatal("the office settings show while «Este equipo» is chosen")
	}
	// «Guardar y usar» on the database in use would change nothing.
	if !s.save.Disabled() {
		t.Fatal("«Guardar y usar» is enabled with «Este equipo» chosen, on this computer's database")
	}
	fyne.DoAndWait(func() { s.choice.SetSelected(s.choice.Options[1]) })
	if s.save.Disabled() {
		t.Fatal("«Guardar y usar» stays disabled with the office chosen")
	}

	// What is missing or wrong, before any connection.
	fyne.DoAndWait(func() {
		s.fill(officedb.Config{Host: cfg.Host, Database: cfg.Database, TLS: cfg.TLS}, "")
		test.Tap(s.probe)
	})
	if got := s.status.Text; !strings.Contains(got, "Falta el usuario") {
		t.Fatalf("no user: status %q", got)
	}
	// A wrong password, then a closed port, from a real server.
	fyne.DoAndWait(func() { s.fill(cfg, "mala"); test.Tap(s.probe) })
	eventually(t, "the refused password", func() bool {
		return strings.Contains(s.status.Text, "rechazó el usuario «"+cfg.User+"» o su contraseña") && s.status.Importance == widget.DangerImportance
	})
	closed := cfg
	closed.Port = freePort(t)
	fyne.DoAndWait(func() { s.fill(closed, pass); test.Tap(s.probe) })
	eventually(t, "the closed port", func() bool { return strings.Contains(s.status.Text, "no acepta conexiones") })
	if engineOf(u.Store()) != data.EngineSQLite {
		t.Fatal("a failed probe changed the database")
	}

	fyne.DoAndWait(func() { s.fill(cfg, pass); test.Tap(s.probe) })
	eventually(t, "the probe", func() bool {
		return strings.HasPrefix(s.status.Text, "Conexión correcta: PostgreSQL 15") && strings.Contains(s.status.Text, "La base está vacía") &&
			s.status.Importance == widget.SuccessImportance
	})

	// Copy, confirm, and use the office database.
	if !s.copy.Visible() {
		t.Fatal("no «Copiar esta base a la oficina» on this computer's database")
	}
	fyne.DoAndWait(func() { test.Tap(s.copy) })
	var confirm fyne.CanvasObject
	fyne.DoAndWait(func() { confirm = w.Canvas().Overlays().Top() })
	if got := strings.Join(texts(confirm), "\n"); !strings.Contains(got, "Se copiarán las 2 comunidades de este equipo") || !strings.Contains(got, cfg.URL()) {
		t.Fatalf("confirmation: %q", got)
	}
	fyne.DoAndWait(func() { test.Tap(findButton(confirm, "Copiar")) })
	var report string
	eventually(t, "the copy's report", func() bool {
		report = strings.Join(texts(w.Canvas().Overlays().Top()), "\n")
		return strings.Contains(report, "Copia terminada")
	})
	for _, want := range []string{"Se copiaron 2 comunidades (Edificio Torre, Parque Los Aromos), verificadas fila por fila:", "  unidades: 15", "  comunidades: 2"} {
		if !strings.Contains(report, want) {
			t.Fatalf("report lacks %q:\n%s", want, report)
		}
	}
	if engineOf(u.Store()) != data.EngineSQLite {
		t.Fatal("the window moved before the user said so")
	}
	fyne.DoAndWait(func() { test.Tap(findButton(w.Canvas().Overlays().Top(), "Usar la base de la oficina")) })
	eventually(t, "the office database in the window", func() bool {
		return engineOf(u.Store()) == data.EnginePostgres && len(u.communities) == 2
	})
	if saved, ok := SavedOffice(u.app.Preferences()); !ok || saved != cfg {
		t.Fatalf("saved choice %+v %v, want %+v", saved, ok, cfg)
	}
	if got, err := sec.Get(cfg.SecretKey()); err != nil || got != pass {
		t.Fatalf("password in the credential store: %q %v", got, err)
	}
	if p := u.app.Preferences().String(prefDBOfficeURL); strings.Contains(p, pass) {
		t.Fatalf("the password is in the preferences: %q", p)
	}
	fyne.DoAndWait(func() {
		if got, want := s.current.Text, fmt.Sprintf("En uso: la base de datos de la oficina «%s» en %s:%d, como %s.", cfg.Database, cfg.Host, cfg.Port, cfg.User); got != want {
			t.Errorf("current = %q", got)
		}
		if s.copy.Visible() {
			t.Error("«Copiar a la oficina» offered while on the office database")
		}
		if s.password.PlaceHolder != "guardada en este equipo (escriba otra para cambiarla)" || s.password.Text != "" {
			t.Errorf("password field %q / placeholder %q", s.password.Text, s.password.PlaceHolder)
		}
	})
	// The old file was closed by the switch and kept as it was.
	if _, err := local.Communities(ctx); err == nil {
		t.Fatal("the file store is still open after the switch")
	}

	// Copias de seguridad on the office database: no backups of a server,
	// and «Exportar a archivo» of both communities.
	var b *backupSection
	fyne.DoAndWait(func() {
		for i, sec := range u.config.sections {
			if bs, ok := sec.(*backupSection); ok {
				b = bs
				u.config.list.Select(i)
			}
		}
	})
	eventually(t, "the office note", func() bool { return b.office.Visible() && !b.create.Visible() && b.export.Visible() })
	out := filepath.Join(dir, "exportada.db")
	fyne.DoAndWait(func() { test.Tap(b.export) })
	fyne.DoAndWait(func() { test.Tap(findButton(w.Canvas().Overlays().Top(), "Elegir archivo…")) })
	fyne.DoAndWait(func() {
		top := w.Canvas().Overlays().Top()
		var entries []*widget.Entry
		walkTree(top, func(o fyne.CanvasObject) bool {
			if e, ok := o.(*dialogEntry); ok {
				entries = append(entries, &e.Entry)
			}
			return true
		})
		if len(entries) < 2 {
			t.Fatalf("save dialog entries: %d", len(entries))
		}
		entries[1].SetText(out)
		test.Tap(findButton(top, "Guardar"))
	})
	eventually(t, "the export", func() bool { return strings.HasPrefix(b.status.Text, "2 comunidades exportadas a "+out) })
	exported, err := data.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := exported.Communities(ctx)
	exported.Close()
	if err != nil || len(cs) != 2 {
		t.Fatalf("exported file: %d communities, %v", len(cs), err)
	}

	// Back to this computer.
	fyne.DoAndWait(func() {
		s = u.databaseSection()
		s.choice.SetSelected(s.choice.Options[0])
		test.Tap(s.save)
	})
	eventually(t, "this computer's database again", func() bool {
		return engineOf(u.Store()) == data.EngineSQLite && len(u.communities) == 2
	})
	if _, ok := SavedOffice(u.app.Preferences()); ok {
		t.Fatal("the office database is still the saved choice")
	}
	var disabled bool
	fyne.DoAndWait(func() { disabled = u.databaseSection().save.Disabled() })
	if !disabled {
		t.Fatal("«Guardar y usar» is enabled again once back on this computer's database")
	}
}

// A copy into an office database that already has communities copies
// nothing, says so, and the window stays where it was.
func TestDatabaseCopyRefusesAnOfficeWithData(t *testing.T) {
	enginetest.PostgresOnly(t) // a file and the office database side by side: once
	ctx := context.Background()
	dir := t.TempDir()
	localPath := filepath.Join(dir, "comunidad.db")
	local, err := data.Open(ctx, localPath)
	if err != nil {
		t.Fatal(err)
	}
	seedTower(t, local, "Edificio Torre", 3)
	dsn := pgtest.DSN(t)
	office, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	seedTower(t, office, "Ya en la oficina", 2)
	office.Close()
	cfg, pass, _ := officedb.ParseURL(dsn)
	u, w := databaseUI(t, local, localPath, secret.NewFileOnly(filepath.Join(dir, "secrets.json")))
	eventually(t, "the community", func() bool { return len(u.communities) == 1 })
	var s *databaseSection
	fyne.DoAndWait(func() {
		s = u.databaseSection()
		s.fill(cfg, pass)
		test.Tap(s.copy)
	})
	fyne.DoAndWait(func() {
		if !strings.Contains(strings.Join(texts(w.Canvas().Overlays().Top()), " "), "Se copiará la comunidad de este equipo") {
			t.Error("the confirmation does not speak of one community")
		}
		test.Tap(findButton(w.Canvas().Overlays().Top(), "Copiar"))
	})
	eventually(t, "the refusal", func() bool {
		return strings.HasPrefix(s.status.Text, "La base de datos de la oficina ya tiene comunidades")
	})
	if engineOf(u.Store()) != data.EngineSQLite {
		t.Fatal("the window left this computer's database")
	}
	check, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	cs, _ := check.Communities(ctx)
	if len(cs) != 1 || cs[0].Name != "Ya en la oficina" {
		t.Fatalf("office communities after a refused copy: %+v", cs)
	}
}

// The empty window offers the office database (there is no Configuración
// tab without a community), and on the office database a way back.
func TestEmptyWindowConnectsToTheOffice(t *testing.T) {
	enginetest.PostgresOnly(t) // a file and the office database side by side: once
	ctx := context.Background()
	dir := t.TempDir()
	localPath := filepath.Join(dir, "comunidad.db")
	local, err := data.Open(ctx, localPath)
	if err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.DSN(t)
	office, err := data.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	seedTower(t, office, "Edificio de la Oficina", 4)
	office.Close()
	cfg, pass, _ := officedb.ParseURL(dsn)
	u, w := databaseUI(t, local, localPath, secret.NewFileOnly(filepath.Join(dir, "secrets.json")))
	eventually(t, "the empty state", func() bool { return findButton(w.Content(), "Conectar a la base de la oficina") != nil })
	fyne.DoAndWait(func() { test.Tap(findButton(w.Content(), "Conectar a la base de la oficina")) })
	s := u.databaseDialogSection(t)
	fyne.DoAndWait(func() {
		if !s.form.Visible() {
			t.Error("the dialog hides the office settings")
		}
		s.fill(cfg, pass)
		test.Tap(s.save)
	})
	eventually(t, "the office's community", func() bool {
		return engineOf(u.Store()) == data.EnginePostgres && u.community.Name == "Edificio de la Oficina"
	})
	if u.databaseDialog != nil {
		t.Fatal("the dialog stayed open after the switch")
	}
	if _, ok := SavedOffice(u.app.Preferences()); !ok {
		t.Fatal("the choice was not saved")
	}
}

// databaseDialogSection is the section the empty window's dialog shows.
func (u *UI) databaseDialogSection(t *testing.T) *databaseSection {
	t.Helper()
	var s *databaseSection
	fyne.DoAndWait(func() {
		if u.databaseDialog != nil {
			s = u.databaseInline
		}
	})
	if s == nil {
		t.Fatal("no Base de datos dialog")
	}
	return s
}

// freePort is a local port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// The start-up screen when the office database cannot be reached says
// why, retries (failing again, then opening), and offers this computer's
// database.
func TestOfficeProblemScreen(t *testing.T) {
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	down := &officedb.Error{Kind: officedb.KindServerDown, Config: officedb.Config{Host: "srv", Port: 5432}}
	st := datatest.Open(t)
	tries := 0
	var opened []Store
	var locals int
	w.SetContent(OfficeProblemScreen(w, OfficeProblem{
		Problem: down,
		Retry: func() (Store, error) {
			tries++
			if tries == 1 {
				return nil, &officedb.Error{Kind: officedb.KindAuth, Config: officedb.Config{User: "ana"}}
			}
			return st, nil
		},
		UseLocal: func() (Store, error) { locals++; return nil, errors.New("El archivo está abierto en otra ventana") },
		Open:     func(s Store) { opened = append(opened, s) },
	}))
	got := strings.Join(texts(w.Content()), "\n")
	for _, want := range []string{"No se pudo abrir la base de datos de la oficina", "El servidor srv:5432 no acepta conexiones", "Reintentar", "Usar la base de este equipo"} {
		if !strings.Contains(got, want) {
			t.Fatalf("screen lacks %q:\n%s", want, got)
		}
	}
	test.Tap(findButton(w.Content(), "Usar la base de este equipo"))
	if locals != 1 || len(opened) != 0 || !contains(texts(w.Content()), "El archivo está abierto en otra ventana") {
		t.Fatalf("use local: %d calls, %d opened, %q", locals, len(opened), texts(w.Content()))
	}
	test.Tap(findButton(w.Content(), "Reintentar"))
	if len(opened) != 0 || !contains(texts(w.Content()), "El servidor rechazó el usuario «ana» o su contraseña: revise ambos") {
		t.Fatalf("first retry: %d opened, %q", len(opened), texts(w.Content()))
	}
	test.Tap(findButton(w.Content(), "Reintentar"))
	if len(opened) != 1 || opened[0] != st {
		t.Fatalf("second retry opened %d", len(opened))
	}
}

// The start-up screen when another window or a command holds the
// database says who, and retries: refused again while it is held, then
// opening once it is free.
func TestBusyScreen(t *testing.T) {
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	st := datatest.Open(t)
	held := true
	var opened []Store
	w.SetContent(BusyScreen(Busy{
		Problem: errors.New("Comunidad ya está abierta con esta base de datos en otra ventana: C:\\comunidad.db."),
		Retry: func() (Store, error) {
			if held {
				return nil, errors.New("La base de datos la está modificando el comando «comunidad backup create»")
			}
			return st, nil
		},
		Open: func(s Store) { opened = append(opened, s) },
	}))
	got := strings.Join(texts(w.Content()), "\n")
	for _, want := range []string{"La base de datos está en uso", "ya está abierta con esta base de datos en otra ventana", "pulse Reintentar", "Reintentar"} {
		if !strings.Contains(got, want) {
			t.Fatalf("screen lacks %q:\n%s", want, got)
		}
	}
	test.Tap(findButton(w.Content(), "Reintentar"))
	if len(opened) != 0 || !contains(texts(w.Content()), "La base de datos la está modificando el comando «comunidad backup create»") {
		t.Fatalf("retry while held: %d opened, %q", len(opened), texts(w.Content()))
	}
	held = false
	test.Tap(findButton(w.Content(), "Reintentar"))
	if len(opened) != 1 || opened[0] != st {
		t.Fatalf("retry once free opened %d", len(opened))
	}
}

// An empty office database says which one it is: the window is not on
// this computer's file, and the other desktops share it.
func TestEmptyOfficeSaysWhichDatabase(t *testing.T) {
	enginetest.PostgresOnly(t)
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	st := datatest.Open(t) // the pass's PostgreSQL: an empty office database
	cfg := officedb.Config{Host: "servidor-oficina", Port: 5432, Database: "comunidad", User: "ana", TLS: officedb.TLSVerifyFull}
	a := test.NewTempApp(t)
	w := a.NewWindow("Comunidad")
	w.Resize(fyne.NewSize(1024, 768))
	t.Cleanup(w.Close)
	New(a, w, Options{Store: st, Secrets: testSecrets(t, st), Databases: &Databases{Office: &cfg,
		Open: func(context.Context, *officedb.Config, string) (Store, error) { return st, nil }}})
	want := "Está en la base de datos de la oficina «comunidad» en servidor-oficina:5432, que comparten los equipos de la oficina."
	eventually(t, "the empty state", func() bool { return findButton(w.Content(), "Cambiar de base de datos") != nil })
	if got := strings.Join(texts(w.Content()), "\n"); !strings.Contains(got, want) {
		t.Fatalf("the empty office's window says:\n%s", got)
	}
}

package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/mailer"
	"comunidad/app/officedb"
	"comunidad/app/workflow"
	"comunidad/data"
)

func init() {
	registerConfigSection(55, func(u *UI) configSection { return newDatabaseSection(u, false) })
}

// Databases is how the window changes the database it works on
// (Configuración → Base de datos); nil in Options leaves the choice out.
type Databases struct {
	// Office is the office database the window starts on, nil when it
	// starts on a file of this computer.
	Office *officedb.Config
	// LocalPath is this computer's database file, as shown to the user.
	LocalPath string
	// Fixed is set when the command line (--db, COMUNIDAD_DB) chose the
	// database: a choice saved here applies to the next start without it.
	Fixed bool
	// Open opens the office database cfg with password, or this
	// computer's file when cfg is nil, ready for the window (a file gets
	// its instance lock and integrity check). Errors are the user's words.
	Open func(ctx context.Context, cfg *officedb.Config, password string) (Store, error)
}

// The choice of database, kept for this computer (not per database).
const (
	prefDBEngine    = "db.engine" // "office", or "" / "local" for this computer's file
	prefDBOfficeURL = "db.office.url"
	engineOffice    = "office"
	engineLocal     = "local"
)

// SavedOffice is the office database Configuración → Base de datos chose
// for this computer; ok is false when the choice is this computer's file.
func SavedOffice(p fyne.Preferences) (cfg officedb.Config, ok bool) {
	if p.String(prefDBEngine) != engineOffice {
		return officedb.Config{}, false
	}
	cfg, _, err := officedb.ParseURL(p.String(prefDBOfficeURL))
	if err != nil {
		return officedb.Config{}, false
	}
	return cfg, true
}

// SaveDatabaseChoice records the database the next start opens: the office
// database cfg, or this computer's file when cfg is nil. The password is
// never here: it lives in the credential store.
func SaveDatabaseChoice(p fyne.Preferences, cfg *officedb.Config) {
	if cfg == nil {
		p.SetString(prefDBEngine, engineLocal)
		return
	}
	p.SetString(prefDBEngine, engineOffice)
	p.SetString(prefDBOfficeURL, cfg.URL())
}

// officeSecrets is where this computer keeps office passwords: the user's
// credential store with its fallback file in the user's data folder
// (whatever database is open), as the command line reads them.
func (u *UI) officeSecrets() mailer.Secrets {
	if u.opts.Secrets != nil {
		return u.opts.Secrets
	}
	if root := u.app.Storage().RootURI(); root != nil && root.Scheme() == "file" && root.Path() != "" {
		return mailer.OpenSecretsIn(root.Path())
	}
	return nil
}

// tlsChoices are the encryption modes, safest first.
var tlsChoices = []string{officedb.TLSVerifyFull, officedb.TLSRequire, officedb.TLSDisable}

func tlsLabel(mode string) string {
	switch mode {
	case officedb.TLSRequire:
		return lang.X("database.tls.require", "Cifrada, sin verificar el certificado")
	case officedb.TLSDisable:
		return lang.X("database.tls.disable", "Sin cifrar (solo dentro de una red de confianza)")
	}
	return lang.X("database.tls.verify", "Cifrada, con el certificado verificado (recomendado)")
}

// databaseSection is Configuración → Base de datos: this computer's file or
// the office's PostgreSQL (server, port, database, user, password, TLS),
// «Probar conexión», «Guardar y usar», and «Copiar esta base a la oficina»
// to move an office in. The password goes to the credential store.
type databaseSection struct {
	u      *UI
	inline bool // shown in a dialog from the empty window, not in the tab

	current  *widget.Label
	choice   *widget.RadioGroup
	host     *widget.Entry
	port     *widget.Entry
	database *widget.Entry
	user     *widget.Entry
	password *widget.Entry
	tls      *widget.Select
	form     *widget.Form
	probe    *widget.Button
	save     *widget.Button
	copy     *widget.Button
	status   *widget.Label
	box      fyne.CanvasObject
	working  bool
}

func newDatabaseSection(u *UI, inline bool) *databaseSection {
	s := &databaseSection{u: u, inline: inline}
	heading := widget.NewLabelWithStyle(s.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(lang.X("database.intro",
		"«Este equipo» guarda las comunidades en un archivo de este computador, para una sola persona. "+
			"La base de datos de la oficina es un servidor PostgreSQL que comparten varios equipos a la vez: cada cambio se ve en las otras ventanas."))
	intro.Wrapping = fyne.TextWrapWord
	s.current = widget.NewLabel("")
	s.current.Wrapping = fyne.TextWrapWord
	s.current.TextStyle = fyne.TextStyle{Bold: true}

	local, office := lang.X("database.local", "Este equipo"), lang.X("database.office", "Base de datos de la oficina")
	s.choice = widget.NewRadioGroup([]string{local, office}, func(v string) { s.showForm(v == office) })
	s.choice.Horizontal = true
	s.choice.Required = true

	s.host = widget.NewEntry()
	s.host.SetPlaceHolder(lang.X("database.host.hint", "p. ej. servidor-oficina o 192.168.1.10"))
	s.port = widget.NewEntry()
	s.port.SetPlaceHolder(strconv.Itoa(officedb.DefaultPort))
	s.database = widget.NewEntry()
	s.database.SetPlaceHolder("comunidad")
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder(lang.X("database.user.hint", "p. ej. ana"))
	s.password = widget.NewPasswordEntry()
	labels := make([]string, len(tlsChoices))
	for i, m := range tlsChoices {
		labels[i] = tlsLabel(m)
	}
	s.tls = widget.NewSelect(labels, nil)
	s.tls.SetSelectedIndex(0)
	s.form = widget.NewForm(
		widget.NewFormItem(lang.X("database.host", "Servidor"), s.host),
		widget.NewFormItem(lang.X("database.port", "Puerto"), s.port),
		widget.NewFormItem(lang.X("database.name", "Base de datos"), s.database),
		widget.NewFormItem(lang.X("database.user", "Usuario"), s.user),
		widget.NewFormItem(lang.X("database.password", "Contraseña"), s.password),
		widget.NewFormItem(lang.X("database.tls", "Cifrado"), s.tls),
	)

	s.probe = widget.NewButtonWithIcon(lang.X("database.probe", "Probar conexión"), theme.ViewRefreshIcon(), s.onProbe)
	s.save = widget.NewButtonWithIcon(lang.X("database.save", "Guardar y usar"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.copy = widget.NewButtonWithIcon(lang.X("database.copy", "Copiar esta base a la oficina…"), theme.ContentCopyIcon(), s.onCopy)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	parts := []fyne.CanvasObject{}
	if !inline {
		parts = append(parts, heading)
	}
	parts = append(parts, intro, s.current, s.choice, s.form, container.NewHBox(s.probe, s.save, s.copy), s.status)
	s.box = container.NewVBox(parts...)
	s.load()
	return s
}

func (s *databaseSection) title() string { return lang.X("database.title", "Base de datos") }

func (s *databaseSection) content() fyne.CanvasObject {
	return container.NewVScroll(container.NewPadded(s.box))
}

// setCommunity shows again which database the window is on (another may
// have been opened meanwhile: the demo, a switch).
func (s *databaseSection) setCommunity(data.Community) {
	if !s.working {
		s.showCurrent()
	}
}

// load fills the form: the office database in use or saved, else empty,
// and the choice on the database in use.
func (s *databaseSection) load() {
	cfg, office := s.officeInUse()
	if !office {
		if saved, ok := SavedOffice(s.u.app.Preferences()); ok {
			cfg = saved
		} else if url := s.u.app.Preferences().String(prefDBOfficeURL); url != "" {
			cfg, _, _ = officedb.ParseURL(url)
		}
	}
	s.host.SetText(cfg.Host)
	if cfg.Port != 0 && cfg.Port != officedb.DefaultPort {
		s.port.SetText(strconv.Itoa(cfg.Port))
	}
	s.database.SetText(cfg.Database)
	s.user.SetText(cfg.User)
	for i, m := range tlsChoices {
		if m == cfg.TLS {
			s.tls.SetSelectedIndex(i)
		}
	}
	s.showPasswordHint(cfg)
	if office || s.inline {
		s.choice.SetSelected(s.choice.Options[1])
	} else {
		s.choice.SetSelected(s.choice.Options[0])
	}
	s.showCurrent()
}

// officeInUse is the office database the window is on, if it is on one.
func (s *databaseSection) officeInUse() (officedb.Config, bool) {
	if s.u.office != nil {
		return *s.u.office, true
	}
	return officedb.Config{}, false
}

func (s *databaseSection) showPasswordHint(cfg officedb.Config) {
	hint := ""
	if sec := s.u.officeSecrets(); sec != nil && cfg.Check() == nil {
		if p, err := sec.Get(cfg.SecretKey()); err == nil && p != "" {
			hint = lang.X("database.password.saved", "guardada en este equipo (escriba otra para cambiarla)")
		}
	}
	s.password.SetPlaceHolder(hint)
}

func (s *databaseSection) showCurrent() {
	switch cfg, office := s.officeInUse(); {
	case office:
		s.current.SetText(lang.X("database.current.office", "En uso: la base de datos de la oficina «{{.Database}}» en {{.Host}}:{{.Port}}, como {{.User}}.",
			map[string]any{"Database": cfg.Database, "Host": cfg.Host, "Port": cfg.Port, "User": cfg.User}))
	case s.u.opts.Demo:
		s.current.SetText(lang.X("database.current.demo", "En uso: la comunidad de demostración, en este equipo."))
	default:
		path := storePath(s.u.st)
		if path == "" && s.u.opts.Databases != nil {
			path = s.u.opts.Databases.LocalPath
		}
		s.current.SetText(lang.X("database.current.local", "En uso: este equipo ({{.Path}}).", map[string]any{"Path": path}))
	}
	if s.u.opts.Databases == nil {
		s.choice.Disable()
		s.save.Disable()
		s.copy.Disable()
		return
	}
	_, office := s.officeInUse()
	if office || s.u.opts.Demo || !s.officeChosen() {
		s.copy.Hide() // the office moves in from its own file
	} else {
		s.copy.Show()
	}
	if !s.working {
		s.busy(false)
	}
	s.relayout()
}

// saveChanges says whether «Guardar y usar» would change anything: not
// when this computer's database is chosen and the window is on it already.
// (On the office database the form may hold new settings or a new password.)
func (s *databaseSection) saveChanges() bool {
	_, office := s.officeInUse()
	return s.officeChosen() || office || s.u.opts.Demo
}

func (s *databaseSection) officeChosen() bool { return s.choice.Selected == s.choice.Options[1] }

func (s *databaseSection) showForm(office bool) {
	if office {
		s.form.Show()
		s.probe.Show()
		if _, inUse := s.officeInUse(); !inUse && !s.u.opts.Demo && s.u.opts.Databases != nil {
			s.copy.Show()
		}
	} else {
		s.form.Hide()
		s.probe.Hide()
		s.copy.Hide()
	}
	if !s.working {
		s.busy(false) // «Guardar y usar» follows the choice
	}
	s.tell("")
	s.relayout()
}

// relayout lays the section out again once parts show or hide: a VBox
// keeps the places it gave them until it is refreshed (the form was drawn
// over the radio buttons).
func (s *databaseSection) relayout() {
	if c, ok := s.box.(*fyne.Container); ok {
		c.Refresh()
	}
}

// settings reads the form: the settings and the password (typed, or the one
// saved for them), or what is missing, in words.
func (s *databaseSection) settings() (officedb.Config, string, error) {
	cfg := officedb.Config{
		Host:     strings.TrimSpace(s.host.Text),
		Port:     officedb.DefaultPort,
		Database: strings.TrimSpace(s.database.Text),
		User:     strings.TrimSpace(s.user.Text),
		TLS:      tlsChoices[max(s.tls.SelectedIndex(), 0)],
	}
	if p := strings.TrimSpace(s.port.Text); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return cfg, "", errors.New(lang.X("database.port.bad", "el puerto «{{.Port}}» no es válido: debe ser un número entre 1 y 65535 (PostgreSQL usa 5432)", map[string]any{"Port": p}))
		}
		cfg.Port = n
	}
	if err := cfg.Check(); err != nil {
		return cfg, "", err
	}
	pass := s.password.Text
	if pass == "" {
		if sec := s.u.officeSecrets(); sec != nil {
			pass, _ = sec.Get(cfg.SecretKey())
		}
	}
	return cfg, pass, nil
}

func (s *databaseSection) busy(on bool) {
	s.working = on
	for _, b := range []*widget.Button{s.probe, s.save, s.copy} {
		if on || (b != s.probe && s.u.opts.Databases == nil) || (b == s.save && !s.saveChanges()) {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// tell says text in the section's status line, neither good nor bad news
// (what is being done).
func (s *databaseSection) tell(text string) {
	s.status.Importance = widget.MediumImportance
	s.status.SetText(text)
}

// say is tell for an outcome: good news in the success colour, a problem
// in the danger colour, so that a failed probe does not read like a
// working one at a glance.
func (s *databaseSection) say(text string, good bool) {
	s.status.Importance = widget.DangerImportance
	if good {
		s.status.Importance = widget.SuccessImportance
	}
	s.status.SetText(text)
}

// fail says what went wrong, in the user's words.
func (s *databaseSection) fail(err error) { s.say(data.Capitalize(errorText(err)), false) }

// probeTimeout bounds «Probar conexión» and the probe before a switch.
var probeTimeout = 10 * time.Second

// probeResult says what a successful probe found, and whether the database
// can be used by this version (a newer schema cannot).
func probeResult(info officedb.Info) (string, bool) {
	ok := lang.X("database.probe.ok", "Conexión correcta: PostgreSQL {{.Version}}, respondió en {{.Ms}} ms.",
		map[string]any{"Version": info.ServerVersion, "Ms": info.Elapsed.Milliseconds()})
	switch {
	case info.SchemaVersion == 0:
		return ok + " " + lang.X("database.probe.empty", "La base está vacía: Comunidad creará sus tablas la primera vez que la use."), true
	case info.SchemaVersion > data.LatestVersion():
		return ok + " " + lang.X("database.probe.newer", "Pero la base fue actualizada por una versión más nueva de Comunidad: actualice Comunidad en este equipo para usarla."), false
	}
	return ok + " " + lang.X("database.probe.ours", "La base ya tiene los datos de Comunidad."), true
}

func (s *databaseSection) onProbe() {
	cfg, pass, err := s.settings()
	if err != nil {
		s.fail(err)
		return
	}
	s.busy(true)
	s.tell(lang.X("database.probing", "Probando la conexión con {{.Host}}…", map[string]any{"Host": cfg.Host}))
	background(func() {
		info, err := officedb.Probe(context.Background(), cfg, pass, probeTimeout)
		fyne.Do(func() {
			s.busy(false)
			if err != nil {
				s.fail(err)
				return
			}
			text, usable := probeResult(info)
			s.say(text, usable)
		})
	})
}

// keepPassword saves a typed password for cfg in the credential store.
func (s *databaseSection) keepPassword(cfg officedb.Config) error {
	if s.password.Text == "" {
		return nil
	}
	sec := s.u.officeSecrets()
	if sec == nil {
		return workflow.ErrNoSecrets
	}
	if err := sec.Set(cfg.SecretKey(), s.password.Text); err != nil {
		return err
	}
	s.password.SetText("")
	s.showPasswordHint(cfg)
	return nil
}

// onSave switches the window to the database chosen and remembers it for
// the next start: the office database after a probe that can use it, or
// this computer's file.
func (s *databaseSection) onSave() {
	if s.u.opts.Databases == nil {
		return
	}
	if s.u.running != nil {
		s.say(lang.X("database.busy.sending", "Se están enviando correos: espere a que termine el envío (o deténgalo) antes de cambiar de base de datos."), false)
		return
	}
	if !s.officeChosen() {
		s.switchTo(nil, "")
		return
	}
	cfg, pass, err := s.settings()
	if err != nil {
		s.fail(err)
		return
	}
	s.busy(true)
	s.tell(lang.X("database.probing", "Probando la conexión con {{.Host}}…", map[string]any{"Host": cfg.Host}))
	background(func() {
		info, err := officedb.Probe(context.Background(), cfg, pass, probeTimeout)
		fyne.Do(func() {
			s.busy(false)
			if err != nil {
				s.fail(err)
				return
			}
			text, usable := probeResult(info)
			if !usable {
				s.say(text, false)
				return
			}
			if err := s.keepPassword(cfg); err != nil {
				s.say(lang.X("database.password.notkept", "No se pudo guardar la contraseña en este equipo: {{.Err}}", map[string]any{"Err": errorText(err)}), false)
				return
			}
			s.switchTo(&cfg, pass)
		})
	})
}

// switchTo opens the database (cfg, or this computer's file when nil) and
// puts the window on it, remembering the choice.
func (s *databaseSection) switchTo(cfg *officedb.Config, pass string) {
	s.busy(true)
	what := lang.X("database.opening.local", "Abriendo la base de datos de este equipo…")
	if cfg != nil {
		what = lang.X("database.opening.office", "Abriendo la base de datos de la oficina…")
	}
	prog := dialog.NewCustomWithoutButtons(what, widget.NewProgressBarInfinite(), s.u.win)
	prog.Show()
	open := s.u.opts.Databases.Open
	background(func() {
		st, err := open(context.Background(), cfg, pass)
		fyne.Do(func() {
			prog.Hide()
			s.busy(false)
			if err != nil {
				s.fail(err)
				return
			}
			SaveDatabaseChoice(s.u.app.Preferences(), cfg)
			s.u.useDatabase(st, cfg)
			if cfg != nil {
				s.say(lang.X("database.now.office", "La ventana trabaja ahora en la base de datos de la oficina; Comunidad la abrirá al iniciar en este equipo."), true)
			} else {
				s.say(lang.X("database.now.local", "La ventana trabaja ahora en la base de datos de este equipo; Comunidad la abrirá al iniciar."), true)
			}
			s.showCurrent()
			if s.u.databaseDialog != nil && s.inline {
				s.u.databaseDialog.Hide()
			}
		})
	})
}

// onCopy moves an office in: every community of this computer's database,
// with its history, outbox and settings, into the office database (empty),
// in one transaction; then offers to work there.
func (s *databaseSection) onCopy() {
	if s.u.opts.Databases == nil {
		return
	}
	cfg, pass, err := s.settings()
	if err != nil {
		s.fail(err)
		return
	}
	n := len(s.u.communities)
	if n == 0 {
		s.say(lang.X("database.copy.nothing", "Esta base de datos no tiene comunidades que copiar."), false)
		return
	}
	msg := widget.NewLabel(lang.X("database.copy.confirm",
		"Se copiarán las {{.N}} comunidades de este equipo, con su historial de importaciones, sus cartas, sus correos y su configuración, a {{.Where}}.\n\n"+
			"La base de la oficina debe estar vacía. La copia se hace completa o no se hace, y este equipo no cambia.",
		map[string]any{"N": n, "Where": cfg.URL()}))
	if n == 1 {
		msg.SetText(lang.X("database.copy.confirm.one",
			"Se copiará la comunidad de este equipo, con su historial de importaciones, sus cartas, sus correos y su configuración, a {{.Where}}.\n\n"+
				"La base de la oficina debe estar vacía. La copia se hace completa o no se hace, y este equipo no cambia.",
			map[string]any{"Where": cfg.URL()}))
	}
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.X("database.copy.title", "¿Copiar esta base a la oficina?"),
		lang.X("database.copy.yes", "Copiar"), lang.X("database.copy.no", "Cancelar"), msg,
		func(ok bool) {
			if ok {
				s.doCopy(cfg, pass)
			}
		}, s.u.win)
	d.Resize(fyne.NewSize(600, 280))
	s.u.closeOnEscape(d, nil)
	d.Show()
}

func (s *databaseSection) doCopy(cfg officedb.Config, pass string) {
	s.busy(true)
	step := widget.NewLabel(lang.X("database.copy.connecting", "Conectando con la base de datos de la oficina…"))
	prog := dialog.NewCustomWithoutButtons(lang.X("database.copy.running", "Copiando a la oficina…"),
		container.NewVBox(widget.NewProgressBarInfinite(), step), s.u.win)
	prog.Resize(fyne.NewSize(420, 0))
	prog.Show()
	flows, open := s.u.flows(), s.u.opts.Databases.Open
	background(func() {
		finish := func(rep data.CopyReport, dst Store, err error) {
			fyne.Do(func() {
				prog.Hide()
				s.busy(false)
				if err != nil {
					if dst != nil {
						dst.Close()
					}
					s.say(copyError(err), false)
					return
				}
				s.copied(cfg, rep, dst)
			})
		}
		info, err := officedb.Probe(context.Background(), cfg, pass, probeTimeout)
		if err != nil {
			finish(data.CopyReport{}, nil, err)
			return
		}
		if text, usable := probeResult(info); !usable {
			finish(data.CopyReport{}, nil, errors.New(text))
			return
		}
		dst, err := open(context.Background(), &cfg, pass)
		if err != nil {
			finish(data.CopyReport{}, nil, err)
			return
		}
		rep, err := flows.CopyTo(context.Background(), dst, func(table string) {
			fyne.Do(func() {
				step.SetText(lang.X("database.copy.table", "Copiando: {{.Table}}", map[string]any{"Table": tableLabel(table)}))
			})
		})
		finish(rep, dst, err)
	})
}

// copyError words a failed copy: a non-empty office database says what to
// do; anything else as it is.
func copyError(err error) string {
	if errors.Is(err, data.ErrNotEmpty) {
		return lang.X("database.copy.notempty", "La base de datos de la oficina ya tiene comunidades: la copia va a una base vacía. Pida a quien administra el servidor una base nueva, o use la de la oficina tal como está con «Guardar y usar».")
	}
	return lang.X("database.copy.failed", "No se copió nada: {{.Err}}", map[string]any{"Err": errorText(err)})
}

// copied reports a finished copy, table by table, and offers to work on
// the office database now (saving the password typed).
func (s *databaseSection) copied(cfg officedb.Config, rep data.CopyReport, dst Store) {
	lines := []string{lang.X("database.copy.done", "Se copiaron {{.N}} comunidades ({{.Names}}), verificadas fila por fila:",
		map[string]any{"N": len(rep.Communities), "Names": strings.Join(rep.Communities, ", ")})}
	if len(rep.Communities) == 1 {
		lines[0] = lang.X("database.copy.done.one", "Se copió la comunidad {{.Names}}, verificada fila por fila:", map[string]any{"Names": rep.Communities[0]})
	}
	for _, t := range rep.Tables {
		lines = append(lines, "  "+tableLabel(t.Table)+": "+strconv.Itoa(t.Rows))
	}
	lines = append(lines, "", lang.X("database.copy.use", "¿Trabajar ahora en la base de datos de la oficina? Este equipo conserva su archivo tal como estaba."))
	text := widget.NewLabel(strings.Join(lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	s.say(lines[0], true)
	d := dialog.NewCustomConfirm(lang.X("database.copy.finished", "Copia terminada"),
		lang.X("database.copy.use.yes", "Usar la base de la oficina"), lang.X("database.copy.use.no", "Seguir en este equipo"), text,
		func(use bool) {
			if !use {
				dst.Close()
				if err := s.keepPassword(cfg); err != nil {
					s.fail(err)
				}
				return
			}
			if err := s.keepPassword(cfg); err != nil {
				dst.Close()
				s.say(lang.X("database.password.notkept", "No se pudo guardar la contraseña en este equipo: {{.Err}}", map[string]any{"Err": errorText(err)}), false)
				return
			}
			SaveDatabaseChoice(s.u.app.Preferences(), &cfg)
			s.u.useDatabase(dst, &cfg)
			s.say(lang.X("database.now.office", "La ventana trabaja ahora en la base de datos de la oficina; Comunidad la abrirá al iniciar en este equipo."), true)
			s.showCurrent()
		}, s.u.win)
	d.Resize(fyne.NewSize(600, 460))
	d.Show()
}

// tableLabel is a table of the database in words.
func tableLabel(table string) string {
	switch table {
	case "communities":
		return lang.X("database.table.communities", "comunidades")
	case "units":
		return lang.X("database.table.units", "unidades")
	case "people":
		return lang.X("database.table.people", "personas")
	case "memberships":
		return lang.X("database.table.memberships", "usuarios de unidades")
	case "secondary_emails":
		return lang.X("database.table.secondary", "correos secundarios")
	case "accounts":
		return lang.X("database.table.accounts", "cuentas del portal")
	case "settings":
		return lang.X("database.table.settings", "configuración")
	case "templates":
		return lang.X("database.table.templates", "plantillas")
	case "sync_runs":
		return lang.X("database.table.syncs", "importaciones")
	case "outbox":
		return lang.X("database.table.outbox", "correos (enviados y por enviar)")
	}
	return table
}

// useDatabase puts the window on st (the office database cfg, or this
// computer's file when cfg is nil), on the UI goroutine.
func (u *UI) useDatabase(st Store, cfg *officedb.Config) {
	u.office = cfg
	old := u.st
	u.st, u.opts.Demo = st, false
	u.community = data.Community{}
	u.watch()
	if old != nil && old != st {
		old.Close()
	}
	u.Reload()
}

// onConnectOffice opens Base de datos in a dialog, from the empty window
// (the Configuración tab shows only with a community).
func (u *UI) onConnectOffice() {
	s := newDatabaseSection(u, true)
	d := dialog.NewCustom(s.title(), lang.X("database.close", "Cerrar"), s.content(), u.win)
	d.Resize(fyne.NewSize(760, 620))
	u.databaseDialog, u.databaseInline = d, s
	u.closeOnEscape(d, func() { u.databaseDialog, u.databaseInline = nil, nil })
	d.Show()
}

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"comunidad/data"
)

// seedLetterDB makes a database with one community, its letter settings and
// a few units and people, inserted with SQL as a Kastor import would leave them.
func seedLetterDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cartas.db")
	ctx := context.Background()
	st := openDB(t, path)
	defer st.Close()
	_, err := st.Writer().ExecContext(ctx, `
INSERT INTO communities (id, name, address) VALUES (1, 'Edificio Los Álamos', 'Av. Irarrázaval 1234, Ñuñoa');
INSERT INTO units (id, community_id, code, name, assigned) VALUES
  (1, 1, '101', 'Depto 101', 'Depto 101, Bod. 12'),
  (2, 1, '102', 'Depto 102', ''),
  (3, 1, '../../etc', 'Depto raro', ''),
  (4, 1, 'A/B', 'Local A/B', '');
INSERT INTO people (id, community_id, kastor_key, first_names, last_names, email, origin) VALUES
  (1, 1, 'k1', 'José Ignacio', 'Núñez Peña', 'jose@ejemplo.cl', 'kastor'),
  (2, 1, NULL, 'María', 'Muñoz', 'maria@ejemplo.cl', 'local'),
  (3, 1, 'k3', 'Íñigo', 'Pérez', '', 'kastor'),
  (4, 1, 'k4', 'Ana', 'Soto', 'ana@ejemplo.cl', 'kastor');
INSERT INTO memberships (unit_id, person_id, role, origin) VALUES
  (1, 1, 'main', 'kastor'), (1, 2, 'additional', 'local'), (3, 3, 'main', 'kastor'), (4, 4, 'main', 'kastor');
INSERT INTO settings (community_id, key, value) VALUES
  (1, 'letter.admin_name', 'Administradora Ñuñoa Ltda.'),
  (1, 'letter.admin_email', 'contacto@adm-nunoa.cl'),
  (1, 'letter.admin_phone', '+56 2 2345 6789'),
  (1, 'letter.portal_url', 'https://portal.ejemplo.cl');`)
	if err != nil {
		t.Fatal(err)
	}
	return onEngine(t, path)
}

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils): cannot read the PDF back")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestLettersPDFFolder(t *testing.T) {
	db := seedLetterDB(t)
	dir := filepath.Join(t.TempDir(), "cartas")
	code, out, errOut := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "3 cartas (plantilla «Bienvenida nuevo residente»)") || !strings.Contains(errOut, "la unidad 102 no tiene a quién") {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if got := strings.Join(names, "|"); got != "101 - José Ignacio Núñez Peña.pdf|A-B - Ana Soto.pdf|etc - Íñigo Pérez.pdf" {
		t.Fatalf("files: %s", got)
	}
	text := pdftotext(t, filepath.Join(dir, "101 - José Ignacio Núñez Peña.pdf"))
	for _, want := range []string{"Estimado(a) José Ignacio Núñez Peña:", "Edificio Los Álamos", "Av. Irarrázaval 1234, Ñuñoa",
		"https://portal.ejemplo.cl", "Usuario: jose@ejemplo.cl", "Administradora Ñuñoa Ltda."} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q:\n%s", want, text)
		}
	}
	// Nothing escaped the folder.
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "etc")); err == nil {
		t.Fatal("a unit code made a path outside the folder")
	}
}

func TestLettersPDFCombinedAllUsers(t *testing.T) {
	db := seedLetterDB(t)
	out := filepath.Join(t.TempDir(), "todas.pdf")
	code, stdout, errOut := runCLI(t, "", "--db", db, "letters", "pdf", "--out", out, "--combined", "--units", "101", "--recipients", "all",
		"--template", "cambio de administracion", "--community", "edificio los alamos")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "2 cartas (plantilla «Cambio de administración»)") {
		t.Fatalf("stdout %q", stdout)
	}
	text := pdftotext(t, out)
	if !strings.Contains(text, "Estimado(a) José Ignacio Núñez Peña:") || !strings.Contains(text, "Estimado(a) María Muñoz:") ||
		!strings.Contains(text, "Cambio de administración en Edificio Los Álamos") {
		t.Fatalf("combined text:\n%s", text)
	}
}

func TestLettersPDFErrors(t *testing.T) {
	db := seedLetterDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "x.pdf")
	os.WriteFile(file, []byte("x"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"letters", "pdf"}, "falta --out"},
		{"units and all", []string{"letters", "pdf", "--out", dir, "--units", "101", "--all"}, "use solo una de --units, --all o --new"},
		{"bad recipients", []string{"letters", "pdf", "--all", "--out", dir, "--recipients", "todos"}, "--recipients debe ser main"},
		{"no units and no --all", []string{"letters", "pdf", "--out", dir}, "elija las unidades con --units CÓDIGO,CÓDIGO..., todas con --all, o los nuevos de la última importación con --new"},
		{"unknown unit", []string{"letters", "pdf", "--out", dir, "--units", "999"}, `no tiene la unidad "999"`},
		{"unknown template", []string{"letters", "pdf", "--all", "--out", dir, "--template", "Otra"}, `no existe la plantilla de carta "Otra"`},
		{"no recipients", []string{"letters", "pdf", "--out", dir, "--units", "102"}, "ninguna de las unidades elegidas tiene destinatarios"},
		{"combined into a folder", []string{"letters", "pdf", "--all", "--out", dir, "--combined"}, "es una carpeta"},
		{"folder that is a file", []string{"letters", "pdf", "--all", "--out", file}, "es un archivo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != 1 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "comunidad:") != 1 {
				t.Fatalf("exit %d, stderr %q, want %q", code, errOut, tt.want)
			}
		})
	}
	// A broken template is refused with its place, and writes nothing.
	st := openDB(t, db)
	_, err := st.SaveTemplate(context.Background(), data.Template{CommunityID: 1, Kind: data.TemplateLetter, Name: "Rota", Title: "T", Body: "Hola {nombres}"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rota.pdf")
	code, _, errOut := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--out", out, "--combined", "--template", "rota")
	if code != 1 || !strings.Contains(errOut, "línea 1, columna 6: campo desconocido {nombres}") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a broken template wrote a file")
	}
}

// TestLettersPDFRefusesAFieldOfAnotherCase: a letter that would print
// {motivo_sin_cuenta} blank for account holders (outside {si_sin_cuenta})
// or a login to someone who has none is refused at its place, and writes
// nothing.
func TestLettersPDFRefusesAFieldOfAnotherCase(t *testing.T) {
	db := seedLetterDB(t)
	st := openDB(t, db)
	for name, body := range map[string]string{
		"Motivo": "Hola {nombre}.\n\n{si_cuenta}\nSu usuario: {usuario}\n{fin_si}\nSin cuenta porque {motivo_sin_cuenta}.\n",
		"Login":  "Hola {nombre}.\n{si_sin_cuenta}\n- Usuario: {usuario}\n{fin_si}\n",
	} {
		if _, err := st.SaveTemplate(context.Background(), data.Template{CommunityID: 1, Kind: data.TemplateLetter, Name: name, Title: "Bienvenida", Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	for name, want := range map[string]string{
		"Motivo": "línea 6, columna 19: {motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta la carta se lo dejaría en blanco; póngalo dentro de esa sección",
		"Login":  "línea 3, columna 12: {usuario} fuera de una sección {si_cuenta} o {si_cuenta_por_crear}",
	} {
		dir := t.TempDir()
		for _, combined := range []bool{false, true} {
			args := []string{"--db", db, "letters", "pdf", "--all", "--out", dir, "--template", name}
			if combined {
				args = append(args[:6], filepath.Join(dir, "cartas.pdf"), "--combined", "--template", name)
			}
			code, stdout, errOut := runCLI(t, "", args...)
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			last := lines[len(lines)-1]
			if code != 1 || !strings.HasPrefix(last, "comunidad: letters pdf: la plantilla \""+name+"\": ") || !strings.Contains(last, want) ||
				strings.Count(errOut, "comunidad:") != 1 || strings.Contains(stdout, "(plantilla") {
				t.Errorf("%s (combined %v): exit %d, stdout %q, stderr %q, want %q", name, combined, code, stdout, errOut, want)
			}
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: a refused letter wrote %d files", name, len(left))
		}
	}
}

func TestLettersPDFOneLetterSaysSo(t *testing.T) {
	db := seedLetterDB(t)
	out := filepath.Join(t.TempDir(), "una.pdf")
	code, stdout, errOut := runCLI(t, "", "--db", db, "letters", "pdf", "--out", out, "--combined", "--units", "101")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "\n1 carta (plantilla «Bienvenida nuevo residente») en ") {
		t.Fatalf("stdout %q", stdout)
	}
	if text := pdftotext(t, out); strings.Count(text, "Estimado(a)") != 1 {
		t.Fatalf("one letter expected:\n%s", text)
	}
}

// mountTmpfs mounts a tmpfs of the given size (with more mount options, e.g.
// "ro") on a new folder, or skips the test when this machine does not let
// it (not root, no mount in the container).
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s): the full-disk case needs root and mount", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// «letters pdf» on a full disk and into a folder that takes no files fails
// with exit 1 and a Spanish line, and leaves nothing under the final name
// (gopdf ignores its write errors: they used to give exit 0 and a PDF with
// no xref table, or zero-byte files).
func TestLettersPDFFullDiskFailsCleanly(t *testing.T) {
	db := seedLetterDB(t)
	t.Run("combined", func(t *testing.T) {
		dir := mountTmpfs(t, "size=16k")
		out := filepath.Join(dir, "cartas.pdf")
		code, stdout, stderr := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--combined", "--out", out, "--recipients", "all")
		if code != 1 || !strings.Contains(stderr, "no se pudo escribir "+out+": el disco está lleno") || strings.Contains(stdout, "cartas") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		if got := entries(t, dir); len(got) != 0 {
			t.Fatalf("left behind on the full disk: %v", got)
		}
	})
	t.Run("folder", func(t *testing.T) {
		dir := mountTmpfs(t, "size=48k")
		code, stdout, stderr := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--out", dir, "--recipients", "all")
		if code != 1 || !strings.Contains(stderr, "el disco está lleno") || !strings.Contains(stderr, "quedó 1 carta completa en "+dir) {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		got := entries(t, dir)
		if len(got) != 1 || !strings.HasSuffix(got[0], ".pdf") {
			t.Fatalf("files on the full disk: %v (want the one whole letter, nothing else)", got)
		}
		// The letter that was written is whole.
		if text := pdftotext(t, filepath.Join(dir, got[0])); !strings.Contains(text, "Edificio Los Álamos") {
			t.Fatalf("the letter left is not whole: %q", text)
		}
	})
	t.Run("read-only folder", func(t *testing.T) {
		dir := mountTmpfs(t, "size=1m,ro")
		for _, args := range [][]string{{"--all", "--combined", "--out", filepath.Join(dir, "cartas.pdf")}, {"--all", "--out", dir}} {
			code, stdout, stderr := runCLI(t, "", append([]string{"--db", db, "letters", "pdf"}, args...)...)
			if code != 1 || !strings.Contains(stderr, "la carpeta es de solo lectura") {
				t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
			}
		}
	})
}

// completeLetterSettings fills, with «config set», every setting the
// suggested letters print, so that they have no holes.
func completeLetterSettings(t *testing.T, db string) {
	t.Helper()
	for _, kv := range [][2]string{{"community.address", "Av. Irarrázaval 1234, Ñuñoa"}, {"letter.admin_name", "Administradora Ñuñoa Ltda."},
		{"letter.admin_email", "contacto@adm-nunoa.cl"}, {"letter.admin_phone", "+56 2 2345 6789"}, {"letter.portal_url", "https://portal.ejemplo.cl"}} {
		if code, out, errOut := runCLI(t, "", "--db", db, "config", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("config set %s: %d %s%s", kv[0], code, out, errOut)
		}
	}
}

// A letter whose merge fields would print empty ("ubicada en . ", "a cargo
// de . ", an unsigned letter) is refused, by «letters pdf» and «letters
// send» alike, naming each missing setting and its «config set» key; once
// they are set (every setting of Configuración is a key of config get/set),
// the letters print them.
func TestLettersWithHolesAreRefused(t *testing.T) {
	db := emptyDB(t, "c.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", writeFile(t, "brisas.csv", syncCSV)); code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	out := filepath.Join(t.TempDir(), "cartas.pdf")
	wantMissing := "faltan datos que la carta imprime: Dirección de la comunidad, Nombre del administrador, Correo del administrador, Teléfono del administrador, Portal de residentes; complételos en Configuración o con: comunidad config set community.address VALOR; comunidad config set letter.admin_name VALOR; comunidad config set letter.admin_email VALOR; comunidad config set letter.admin_phone VALOR; comunidad config set letter.portal_url VALOR"
	for _, args := range [][]string{{"letters", "pdf", "--all", "--combined", "--out", out}, {"letters", "send", "--all", "--dry-run"}, {"letters", "send", "--all"}} {
		code, stdout, stderr := runCLI(t, "", append([]string{"--db", db}, args...)...)
		if code != 1 || !strings.Contains(stderr, wantMissing) || strings.Contains(stdout, "Se enviaría") {
			t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a letter with holes was written: %v", err)
	}
	// config get lists every setting of Configuración.
	code, list, _ := runCLI(t, "", "--db", db, "config", "get")
	for _, k := range []string{"community.name", "community.address", "kastor.source", "letter.admin_name", "letter.admin_email", "letter.admin_phone",
		"letter.signature", "letter.portal_url", "letter.logo", "letter.paper", "letter.margin_top_mm", "smtp.host", "smtp.password"} {
		if code != 0 || !strings.Contains(list, k) {
			t.Fatalf("config get lacks %s:\n%s", k, list)
		}
	}
	completeLetterSettings(t, db)
	if code, stdout, stderr := runCLI(t, "", "--db", db, "config", "set", "letter.paper", "a5"); code != 1 || !strings.Contains(stderr, "use carta, oficio o a4") {
		t.Fatalf("bad paper: %d %s%s", code, stdout, stderr)
	}
	if code, stdout, _ := runCLI(t, "", "--db", db, "config", "set", "letter.paper", "Oficio"); code != 0 || strings.TrimSpace(stdout) != "letter.paper = oficio" {
		t.Fatalf("paper: %d %q", code, stdout)
	}
	if code, stdout, stderr := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--combined", "--out", out); code != 0 {
		t.Fatalf("complete settings: %d %s%s", code, stdout, stderr)
	}
	text := pdftotext(t, out)
	for _, want := range []string{"residente de Condominio Las Brisas de Ñuñoa, en Av. Irarrázaval 1234, Ñuñoa.", "a cargo de Administradora Ñuñoa Ltda.",
		"contacto@adm-nunoa.cl o por teléfono al +56 2 2345 6789", "disponible en https://portal.ejemplo.cl."} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q:\n%s", want, text)
		}
	}
	for _, hole := range []string{" en .", " de .", " a o ", " al ,", " en ,"} {
		if strings.Contains(text, hole) {
			t.Errorf("the letter has a hole %q:\n%s", hole, text)
		}
	}
	if info, _ := exec.Command("pdfinfo", out).Output(); !strings.Contains(string(info), "612 x 936") {
		t.Errorf("the letter is not on oficio paper:\n%s", info)
	}
}

const accountsCSV = "\ufeffCondominio Las Brisas de Ñuñoa\r\n" +
	"Código;Torre;Piso;RUT;Nombres;Apellido paterno;Apellido materno;Correo;Teléfono;Tipo;Responsable;Factor\r\n" +
	"A-101;Torre A;1;12.345.678-5;María José;Núñez;Peña;mj@example.cl;;Propietario;Sí;0,0123\r\n" +
	";;;;Pedro;Soto;;pedro@example.cl;;Arrendatario;No;\r\n" +
	"A-102;Torre A;1;;Rosa;Ibáñez;;;;Propietario;Sí;0,0100\r\n" +
	"A-103;Torre A;1;;Luis;Pérez;;luis@example.cl;;Propietario;Sí;0,0100\r\n" +
	"A-104;Torre A;1;;Carmen;Rojas;;familia@example.cl;;Propietario;Sí;0,0100\r\n" +
	"A-105;Torre A;1;;Jorge;Rojas;;familia@example.cl;;Propietario;Sí;0,0100\r\n"

// Every letter's text, read back from its PDF, per recipient case: an
// account holder gets the login; an owner whose account is not generated
// yet is told it will be (also the first of two who share an email); a
// tenant and the owners with no email are told why they have none, and are
// never shown a login. The
// plan says how many fall in each case before anything is written.
func TestLettersTellEachRecipientTheTruthAboutTheirAccount(t *testing.T) {
	db := emptyDB(t, "c.db")
	if code, _, errOut := runCLI(t, "", "--db", db, "sync", writeFile(t, "brisas.csv", accountsCSV)); code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	completeLetterSettings(t, db)
	if code, out, errOut := runCLI(t, "", "--db", db, "users", "generate", "--units", "A-101", "--out", filepath.Join(t.TempDir(), "u.xlsx")); code != 0 {
		t.Fatalf("generate: %d %s%s", code, out, errOut)
	}
	dir := filepath.Join(t.TempDir(), "cartas")
	code, out, errOut := runCLI(t, "", "--db", db, "letters", "pdf", "--all", "--recipients", "all", "--out", dir)
	if code != 0 || !strings.Contains(out, "Destinatarios con cuenta en el portal: 1; cuenta por crear (al generar los usuarios): 2; sin cuenta en el portal: 3.") {
		t.Fatalf("letters pdf: %d\n%s%s", code, out, errOut)
	}
	letterOf := func(prefix string) string {
		t.Helper()
		m, _ := filepath.Glob(filepath.Join(dir, prefix+"*.pdf"))
		if len(m) != 1 {
			t.Fatalf("%s: files %v", prefix, m)
		}
		return pdftotext(t, m[0])
	}
	for _, tt := range []struct {
		file      string
		want, not []string
	}{
		{"A-101 - María José", []string{"Su cuenta en el portal ya está creada", "Usuario: mj@example.cl"}, []string{"crearemos", "no tiene una cuenta"}},
		{"A-103 - Luis", []string{"En los próximos días crearemos su cuenta", "Usuario: luis@example.cl"}, []string{"ya está creada", "no tiene una cuenta"}},
		{"A-101 - Pedro", []string{"Por ahora usted no tiene una cuenta en el portal: las cuentas se crean para los propietarios y para la cuenta principal de cada unidad."},
			[]string{"pedro@example.cl", "Usuario:", "ya está creada", "crearemos"}},
		{"A-102 - Rosa", []string{"no tiene una cuenta en el portal: no tenemos registrado su correo electrónico."}, []string{"Usuario:", "sin correo registrado"}},
		// One account per email: the first of the two gets it, the other is told why not.
		{"A-104 - Carmen", []string{"En los próximos días crearemos su cuenta", "Usuario: familia@example.cl"}, []string{"no tiene una cuenta"}},
		// The import keeps an email for one person only: Jorge has none.
		{"A-105 - Jorge", []string{"no tiene una cuenta en el portal: no tenemos registrado su correo electrónico."}, []string{"familia@example.cl", "Usuario:"}},
	} {
		text := letterOf(tt.file)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", tt.file, w, text)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(text, w) {
				t.Errorf("%s says %q:\n%s", tt.file, w, text)
			}
		}
	}
	// The send plan counts the recipients with an email the same way.
	code, out, errOut = runCLI(t, "", "--db", db, "letters", "send", "--all", "--recipients", "all", "--dry-run")
	if code != 0 || !strings.Contains(out, "Destinatarios con cuenta en el portal: 1; cuenta por crear (al generar los usuarios): 2; sin cuenta en el portal: 1.") {
		t.Fatalf("send plan: %d\n%s%s", code, out, errOut)
	}
}

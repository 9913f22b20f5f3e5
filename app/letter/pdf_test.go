package letter

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"comunidad/data"
)

// pdfTool runs a poppler utility on a file and returns its output.
func pdfTool(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s is not installed (apt-get install poppler-utils): cannot read the PDF back", tool)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

func pdfText(t *testing.T, path string, pages ...int) string {
	args := []string{"-enc", "UTF-8"}
	if len(pages) == 2 {
		args = append(args, "-f", strconv.Itoa(pages[0]), "-l", strconv.Itoa(pages[1]))
	}
	return pdfTool(t, "pdftotext", append(args, path, "-")...)
}

func pdfInfo(t *testing.T, path string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(pdfTool(t, "pdfinfo", path), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// flat joins the text's lines, so a check does not depend on where a line wrapped.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func testSettings() Settings {
	s := DefaultSettings()
	s.AdminName = "Administradora Ñuñoa Ltda."
	s.AdminEmail = "contacto@adm-nunoa.cl"
	s.AdminPhone = "+56 2 2345 6789"
	s.PortalURL = "https://portal.ejemplo.cl"
	s.SignatureLine = "Administración Edificio Los Álamos"
	return s
}

var testCommunity = data.Community{ID: 1, Name: "Edificio Los Álamos", Address: "Av. Irarrázaval 1234, Ñuñoa, Santiago"}

func testRow(code, first, last, email string) data.UserRow {
	return data.UserRow{UnitID: int64(len(code)), UnitCode: code, UnitName: "Depto " + code, Assigned: "Depto " + code + ", Bod. 12",
		PersonID: 1, Role: data.RoleMain, FirstNames: first, LastNames: last, Email: email}
}

var novDate = time.Date(2026, 11, 27, 12, 0, 0, 0, time.Local)

func writePDF(t *testing.T, s Settings, docs ...Doc) string {
	t.Helper()
	r, err := NewRenderer(s)
	if err != nil {
		t.Fatal(err)
	}
	r.SetHeader(testCommunity.Name, testCommunity.Address)
	var b bytes.Buffer
	if err := r.PDF(context.Background(), docs, &b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "carta.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSuggestedLetterPDF(t *testing.T) {
	s := testSettings()
	row := testRow("101", "José Ignacio", "Núñez Peña", "jose.nunez@ejemplo.cl")
	d, err := Merge(Suggested()[0].Template, FieldsFor(row, testCommunity, s, novDate))
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, s, d)
	text := flat(pdfText(t, path))
	for _, want := range []string{
		"Edificio Los Álamos", "Av. Irarrázaval 1234, Ñuñoa, Santiago", // header
		"27 de noviembre de 2026", "Bienvenida a Edificio Los Álamos",
		"Estimado(a) José Ignacio Núñez Peña:",
		"Usuario: jose.nunez@ejemplo.cl", "https://portal.ejemplo.cl", "Depto 101 (Depto 101, Bod. 12)",
		"contacto@adm-nunoa.cl", "+56 2 2345 6789", "«¿Olvidó su contraseña?»",
		"Administradora Ñuñoa Ltda. Administración Edificio Los Álamos", // signature
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "{}") {
		t.Errorf("a field was left unfilled:\n%s", text)
	}
	info := pdfInfo(t, path)
	if info["Pages"] != "1" || info["Title"] != "Bienvenida a Edificio Los Álamos" || info["Creator"] != "Comunidad" ||
		info["Author"] != "Administradora Ñuñoa Ltda." || !strings.HasPrefix(info["Page size"], "612 x 792") {
		t.Errorf("pdfinfo: %v", info)
	}
	// The fonts: embedded subsets of Carlito, each named with its six-letter
	// tag (ISO 32000-1 §9.6.4), which pdffonts reads as "sub yes".
	fontsOut := pdfTool(t, "pdffonts", path)
	rows := regexp.MustCompile(`(?m)^([A-Z]{6})\+(Carlito\S*)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes`).FindAllStringSubmatch(fontsOut, -1)
	if len(rows) < 2 || strings.Count(fontsOut, "\n")-2 != len(rows) {
		t.Errorf("pdffonts: every font should be an embedded, tagged Carlito subset:\n%s", fontsOut)
	}
	tags := map[string]bool{}
	for _, r := range rows {
		tags[r[1]] = true
	}
	if len(tags) != len(rows) {
		t.Errorf("two subsets share a tag:\n%s", fontsOut)
	}
	if st, _ := os.Stat(path); st.Size() >= 40<<10 {
		t.Errorf("one-page letter is %d bytes, want < 40 KB", st.Size())
	}
}

func TestEverySpanishCharacterSurvives(t *testing.T) {
	const sample = "áéíóú ÁÉÍÓÚ üÜ ñÑ ¿Qué? ¡Sí! «comillas» 1–2 “dobles” 100 € — ‘simples’ …"
	d, err := Merge(Template{"Año 2026: ¿Cuánto?", sample + "\n\n**" + sample + "**\n\n*" + sample + "*\n\n***" + sample + "***"}, Fields{})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, writePDF(t, testSettings(), d))
	if n := strings.Count(text, sample); n != 4 {
		t.Fatalf("the sample appears %d times in 4 styles:\n%s", n, text)
	}
	if !strings.Contains(text, "Año 2026: ¿Cuánto?") {
		t.Fatalf("title:\n%s", text)
	}
	fs, _ := fonts()
	for st := range fs.metrics {
		for _, r := range sample {
			if r != ' ' && !fs.metrics[st].has(r) {
				t.Errorf("font %s lacks %q", fontFamilies[st], r)
			}
		}
	}
}

func longTemplate(paragraphs int) Template {
	var b strings.Builder
	for i := 1; i <= paragraphs; i++ {
		b.WriteString("Párrafo " + strconv.Itoa(i) + ": la administración de {comunidad} informa a los señores residentes que la mantención de los ascensores, la limpieza de las áreas comunes y el cuidado de los jardines continuarán según el calendario acordado en la última asamblea de copropietarios.\n\n")
	}
	b.WriteString("Fin de la carta.")
	return Template{Title: "Carta larga", Body: b.String()}
}

func TestLongLetterFlowsToASecondPageWithTheHeader(t *testing.T) {
	s := testSettings()
	s.Logo = testLogo(t, 300, 120)
	d, err := Merge(longTemplate(14), FieldsFor(testRow("101", "Ana", "Pérez", "a@b.cl"), testCommunity, s, novDate))
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, s, d)
	if got := pdfInfo(t, path)["Pages"]; got != "2" {
		t.Fatalf("pages = %s, want 2", got)
	}
	p1, p2 := flat(pdfText(t, path, 1, 1)), flat(pdfText(t, path, 2, 2))
	for _, want := range []string{"Edificio Los Álamos", "Av. Irarrázaval 1234"} {
		if !strings.Contains(p2, want) {
			t.Errorf("page 2 lacks the header %q:\n%s", want, p2)
		}
	}
	if !strings.Contains(p1, "Página 1 de 2") || !strings.Contains(p2, "Página 2 de 2") {
		t.Errorf("page numbers missing:\n%s\n---\n%s", p1, p2)
	}
	if !strings.Contains(p1, "Párrafo 1:") || !strings.Contains(p2, "Fin de la carta.") || strings.Contains(p1, "Fin de la carta.") {
		t.Errorf("the text does not flow from page 1 to 2")
	}
	if strings.Contains(p2, "27 de noviembre") || strings.Contains(p2, "Carta larga") {
		t.Error("the date or title repeated on page 2")
	}
	// Nothing lost at the break: every paragraph is there once.
	all := flat(pdfText(t, path))
	for i := 1; i <= 14; i++ {
		if n := strings.Count(all, "Párrafo "+strconv.Itoa(i)+":"); n != 1 {
			t.Errorf("paragraph %d appears %d times", i, n)
		}
	}
	// The logo is on both pages, stored once.
	imgs := pdfTool(t, "pdfimages", "-list", path)
	if n := len(regexp.MustCompile(`(?m)^\s+[12]\s+\d+\s+image`).FindAllString(imgs, -1)); n != 2 {
		t.Errorf("logo drawn %d times, want once per page:\n%s", n, imgs)
	}
}

func TestPaperSizesAndLongWords(t *testing.T) {
	for _, tt := range []struct {
		paper Paper
		size  string
	}{{Carta, "612 x 792"}, {Oficio, "612 x 936"}, {A4, "595.28 x 841.89"}} {
		s := testSettings()
		s.Paper = tt.paper
		url := "https://portal.ejemplo.cl/" + strings.Repeat("muy-largo-", 20)
		d, err := Merge(Template{"T", "Ingrese a " + url + " hoy."}, Fields{})
		if err != nil {
			t.Fatal(err)
		}
		path := writePDF(t, s, d)
		if got := pdfInfo(t, path)["Page size"]; !strings.HasPrefix(got, tt.size) {
			t.Errorf("%s: page size %q, want %s", tt.paper, got, tt.size)
		}
		// The long address is cut across lines, never lost or off the page.
		// (pdftotext joins a line that ends in "-" with the next one and
		// drops the "-", as for a hyphenated word: hyphens are not compared.)
		nohyphen := strings.NewReplacer("-", "").Replace
		if got := nohyphen(strings.Join(strings.Fields(pdfText(t, path)), "")); !strings.Contains(got, nohyphen("Ingresea"+url+"hoy.")) {
			t.Errorf("%s: long word mangled: %s", tt.paper, got)
		}
	}
}

func TestRendererRefusesBadLogo(t *testing.T) {
	s := testSettings()
	s.Logo = []byte("GIF89a no soy un png")
	if _, err := NewRenderer(s); err == nil || !strings.Contains(err.Error(), "PNG o JPEG") {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelWritesNothing(t *testing.T) {
	r, err := NewRenderer(testSettings())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d, _ := Merge(Template{"T", "Hola"}, Fields{})
	docs := []Doc{d, d, d, d}
	r.OnProgress = func(done, total int) {
		if done == 2 {
			cancel()
		}
	}
	var b bytes.Buffer
	if err := r.PDF(ctx, docs, &b); !errors.Is(err, context.Canceled) || b.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written", err, b.Len())
	}
}

func testLogo(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(30 + x%60), 80, uint8(120 + y%100), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A 16-bit PNG (as ImageMagick writes) is refused by gopdf as it is; a big
// one would weigh on every letter. Both are redrawn as an 8-bit PNG of the
// size print needs.
func TestLogoIsNormalised(t *testing.T) {
	img := image.NewRGBA64(image.Rect(0, 0, 1800, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 1800; x++ {
			img.Set(x, y, color.RGBA64{uint16(x * 30), 20000, uint16(y * 100), 0xffff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	s := testSettings()
	s.Logo = b.Bytes()
	d, _ := Merge(Template{"T", "Hola"}, Fields{})
	path := writePDF(t, s, d)
	list := pdfTool(t, "pdfimages", "-list", path)
	// page num type width height color comp bpc ...
	m := regexp.MustCompile(`(?m)^\s+1\s+\d+\s+image\s+(\d+)\s+(\d+)\s+\w+\s+\d+\s+(\d+)`).FindStringSubmatch(list)
	if m == nil || m[1] != "640" || m[2] != "213" || m[3] != "8" {
		t.Fatalf("logo embedded as %v:\n%s", m, list)
	}
}

// A PDF written to a device that refuses the data (/dev/full: "no space
// left on device" on every write) is an error, not a silent half file.
func TestFullDeviceIsAnError(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer f.Close()
	r, err := NewRenderer(testSettings())
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Merge(Template{"T", "Hola {nombre}"}, Fields{})
	err = r.PDF(context.Background(), []Doc{d}, f)
	var we *WriteError
	if !errors.As(err, &we) || err.Error() != "escribir el PDF: el disco está lleno" {
		t.Fatalf("PDF to /dev/full: %v", err)
	}
}

package kastor

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Defaults for Options.
const (
	DefaultTimeout  = 60 * time.Second
	DefaultMaxBytes = 100 << 20 // 100 MB: a 30,000-person export is about 2 MB
)

// Options tune reading a source. The zero value is ready to use.
type Options struct {
	// Token is sent as "Authorization: Bearer <Token>" to an http(s) source.
	Token string
	// Timeout bounds downloading a URL (default DefaultTimeout).
	Timeout time.Duration
	// MaxBytes refuses a larger file or download (default DefaultMaxBytes).
	MaxBytes int64
	// Client downloads URLs (default: a plain http.Client).
	Client *http.Client
	// Progress, if set, is called now and then with the share of the work
	// done (0..1) while reading and, in Import, while saving.
	Progress func(done float64)
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o Options) progress(f float64) {
	if o.Progress != nil {
		o.Progress(f)
	}
}

// IsURL reports whether source is an http(s) address rather than a file path.
func IsURL(source string) bool {
	s := strings.ToLower(strings.TrimSpace(source))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// input is a source's bytes (URLs, CSV) or its path (local xlsx files,
// which excelize opens itself), with the name used in messages.
type input struct {
	name string // file name for messages and for the community name
	path string // set for a local file
	data []byte // set when the content is already in memory
	head []byte // the first bytes, to tell the type
}

// open reads enough of source to tell what it is.
func open(ctx context.Context, source string, opts Options) (*input, error) {
	source = strings.TrimSpace(source)
	if source == "" {
		return nil, errors.New("no se indicó ningún archivo ni dirección")
	}
	if IsURL(source) {
		return download(ctx, source, opts)
	}
	info, err := os.Stat(source)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no existe el archivo %s", source)
	case err != nil:
		return nil, fmt.Errorf("no se pudo abrir %s: %w", source, err)
	case info.IsDir():
		return nil, fmt.Errorf("%s es una carpeta, no un archivo", source)
	case info.Size() == 0:
		return nil, fmt.Errorf("el archivo %s está vacío", filepath.Base(source))
	case info.Size() > opts.maxBytes():
		return nil, fmt.Errorf("el archivo %s pesa %s: es más de lo que admite una exportación (%s)",
			filepath.Base(source), megabytes(info.Size()), megabytes(opts.maxBytes()))
	}
	f, err := os.Open(source)
	if err != nil {
		return nil, fmt.Errorf("no se pudo abrir %s: %w", source, err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("no se pudo leer %s: %w", source, err)
	}
	return &input{name: filepath.Base(source), path: source, head: head[:n]}, nil
}

// bytes returns the whole content.
func (in *input) bytes() ([]byte, error) {
	if in.data != nil {
		return in.data, nil
	}
	b, err := os.ReadFile(in.path)
	if err != nil {
		return nil, fmt.Errorf("no se pudo leer %s: %w", in.name, err)
	}
	return b, nil
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// download fetches a URL's body, refusing what is clearly not an export.
func download(ctx context.Context, raw string, opts Options) (*input, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("la dirección %q no es válida", raw)
	}
	shown := u.Redacted()
	if u.RawQuery != "" {
		// Query strings often carry keys: keep them out of messages.
		c := *u
		c.RawQuery = ""
		shown = c.Redacted()
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("la dirección %q no es válida: %w", shown, err)
	}
	if opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+opts.Token)
	}
	req.Header.Set("Accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/csv;q=0.9, */*;q=0.5")
	resp, err := tokenSafeClient(opts.Client).Do(req)
	if err != nil {
		return nil, downloadError(ctx, shown, timeout, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		hint := "revise el token de acceso en Configuración"
		if opts.Token == "" {
			hint = "la dirección pide un token de acceso: configúrelo en Configuración"
		}
		return nil, fmt.Errorf("el servidor rechazó el acceso a %s (%d): %s", shown, resp.StatusCode, hint)
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("no se encontró la exportación en %s (404): revise la dirección", shown)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("el servidor respondió «%s» al pedir %s", resp.Status, shown)
	}
	max := opts.maxBytes()
	if resp.ContentLength > max {
		return nil, fmt.Errorf("la exportación en %s pesa %s: es más de lo que se admite (%s)", shown, megabytes(resp.ContentLength), megabytes(max))
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == "text/html" || ct == "application/xhtml+xml" {
		return nil, errHTML(shown)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, downloadError(ctx, shown, timeout, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("la exportación en %s es más grande de lo que se admite (%s)", shown, megabytes(max))
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("la dirección %s devolvió un archivo vacío", shown)
	}
	name := path.Base(u.Path)
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = filepath.Base(params["filename"])
	}
	if name == "" || name == "/" || name == "." {
		name = u.Host
	}
	return &input{name: name, data: b, head: b[:min(len(b), 4096)]}, nil
}

// tokenSafeClient is c (or http.DefaultClient) that never sends the token
// to another origin: a redirect that changes the scheme, the host or the
// port drops the Authorization header (Go's client keeps it for the same
// domain on another scheme or port, and for its subdomains).
func tokenSafeClient(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cc := *c
	check := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if check != nil {
			if err := check(req, via); err != nil {
				return err
			}
		} else if len(via) >= 10 {
			return errors.New("demasiadas redirecciones")
		}
		if !sameOrigin(req.URL, via[0].URL) {
			req.Header.Del("Authorization")
		}
		return nil
	}
	return &cc
}

// sameOrigin compares scheme, host and port (the scheme's default when
// the URL names none).
func sameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if strings.EqualFold(u.Scheme, "https") {
			return "443"
		}
		return "80"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func errHTML(where string) error {
	return fmt.Errorf("%s devolvió una página web (HTML), no un archivo Excel o CSV: revise la dirección o si pide iniciar sesión", where)
}

func downloadError(ctx context.Context, shown string, timeout time.Duration, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("el servidor de %s no respondió en %s", shown, timeout)
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	var dns *net.DNSError
	var op *net.OpError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dns):
		return fmt.Errorf("no se encontró el servidor %s: revise la dirección y la conexión a internet", dns.Name)
	case errors.As(err, &cert):
		return fmt.Errorf("no se pudo descargar %s: el certificado de seguridad del servidor no es válido", shown)
	case connRefused(err):
		return fmt.Errorf("no se pudo descargar %s: el servidor no acepta conexiones", shown)
	case errors.As(err, &op) && op.Timeout():
		return fmt.Errorf("el servidor de %s no respondió a tiempo", shown)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("no se pudo descargar %s: %v", shown, err)
}

// kind is what a file really is, whatever its name says.
type kind int

const (
	kindCSV kind = iota
	kindXLSX
)

// sniff tells the file's type from its first bytes, refusing with a clear
// message the usual wrong files (old .xls, PDF, a web page, an image).
func sniff(name string, head []byte) (kind, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 64)])
	switch {
	case len(head) == 0 || len(trimmed) == 0:
		return 0, fmt.Errorf("el archivo %s está vacío", name)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return kindXLSX, nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return 0, fmt.Errorf("%s es un libro de Excel 97-2003 (.xls) o un Excel protegido con contraseña, aunque su nombre diga otra cosa: ábralo en Excel y use Archivo → Guardar como → «Libro de Excel (.xlsx)», sin contraseña", name)
	case bytes.HasPrefix(head, []byte("%PDF")):
		return 0, fmt.Errorf("%s es un PDF: use la exportación de Kastor en Excel (.xlsx) o CSV", name)
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")),
		bytes.HasPrefix(lower, []byte("<head")), bytes.HasPrefix(lower, []byte("<body")):
		return 0, errHTML(name)
	case bytes.HasPrefix(lower, []byte("<?xml")) && bytes.Contains(head, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
		return 0, fmt.Errorf("%s es una planilla XML de Excel 2003, no un libro .xlsx: ábrala en Excel y use Archivo → Guardar como → «Libro de Excel (.xlsx)»", name)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return kindCSV, nil // UTF-16 text ("Texto Unicode" in Excel)
	case utf16Order(head) != nil:
		return kindCSV, nil // UTF-16 text without its byte order mark
	case bytes.Count(head, []byte{0})*50 > len(head):
		return 0, fmt.Errorf("%s no es un archivo Excel (.xlsx) ni CSV", name)
	}
	return kindCSV, nil
}

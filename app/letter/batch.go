package letter

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"comunidad/app/atomicfile"
	"comunidad/data"
)

// Recipients says who in each unit gets a letter.
type Recipients string

const (
	MainAccount Recipients = "main" // the unit's main account (the default)
	AllUsers    Recipients = "all"  // every person of the unit
)

// Selection is who gets a letter, and the units left out (no one to address).
type Selection struct {
	Rows    []data.UserRow
	Skipped []data.UserRow // one row per unit left out: UnitCode and UnitName tell which
}

// Keep is the selection reduced to the given people in the given units
// (the newcomers of an import); units left out are no longer skipped.
func (s Selection) Keep(keys []data.MemberKey) Selection {
	want := map[data.MemberKey]bool{}
	for _, k := range keys {
		want[k] = true
	}
	var out Selection
	for _, r := range s.Rows {
		if want[data.MemberKey{UnitID: r.UnitID, PersonID: r.PersonID}] {
			out.Rows = append(out.Rows, r)
		}
	}
	return out
}

// Units is how many units the selection covers (with or without recipients).
func (s Selection) Units() int {
	seen := map[int64]bool{}
	for _, r := range s.Rows {
		seen[r.UnitID] = true
	}
	for _, r := range s.Skipped {
		seen[r.UnitID] = true
	}
	return len(seen)
}

// SelectRecipients picks the recipients among rows (the users listing) for
// the units with the given ids (every unit when none): each unit's main
// account, or all its people. Secondary e-mails, archived people and
// archived units get no letter.
func SelectRecipients(rows []data.UserRow, unitIDs []int64, who Recipients) Selection {
	want := map[int64]bool{}
	for _, id := range unitIDs {
		want[id] = true
	}
	var sel Selection
	got := map[int64]bool{}
	var order []int64
	first := map[int64]data.UserRow{}
	for _, r := range rows {
		if (len(want) > 0 && !want[r.UnitID]) || r.UnitArchived {
			continue
		}
		if _, ok := first[r.UnitID]; !ok {
			first[r.UnitID] = r
			order = append(order, r.UnitID)
		}
		if r.PersonID == 0 || r.Archived {
			continue
		}
		if who != AllUsers && !r.IsMain() {
			continue
		}
		sel.Rows = append(sel.Rows, r)
		got[r.UnitID] = true
	}
	for _, id := range order {
		if !got[id] {
			sel.Skipped = append(sel.Skipped, first[id])
		}
	}
	return sel
}

// Batch renders one template for many recipients.
type Batch struct {
	Template  Template
	Settings  Settings
	Community data.Community
	Rows      []data.UserRow // the recipients, one letter each
	// Accounts says, per person id, whether their portal account exists,
	// will or will not (data.AccountsReport.PersonAccounts): the letter's
	// sections and {usuario} follow it. Nil: every recipient reads as an
	// account holder with their email as login (a preview, a sample).
	Accounts map[int64]data.PersonAccount
	Now      time.Time // the letters' date; zero means today
	// OnProgress, when set, is called after each letter.
	OnProgress func(done, total int)
}

func (b Batch) prepare() (*Compiled, *Renderer, time.Time, error) {
	if len(b.Rows) == 0 {
		return nil, nil, time.Time{}, errors.New("no hay destinatarios: las unidades elegidas no tienen usuarios")
	}
	c, err := Compile(b.Template)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	r, err := NewRenderer(b.Settings)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	r.SetHeader(b.Community.Name, b.Community.Address)
	now := b.Now
	if now.IsZero() {
		now = time.Now()
	}
	return c, r, now, nil
}

// Docs merges the template for every recipient.
func (b Batch) Docs() ([]Doc, error) {
	c, _, now, err := b.prepare()
	if err != nil {
		return nil, err
	}
	docs := make([]Doc, len(b.Rows))
	for i, row := range b.Rows {
		docs[i] = c.Merge(b.fields(row, now))
	}
	return docs, nil
}

// fields are one recipient's merge fields, with their account's case.
func (b Batch) fields(row data.UserRow, now time.Time) Fields {
	f := FieldsFor(row, b.Community, b.Settings, now)
	if b.Accounts != nil {
		f.SetAccount(b.Accounts[row.PersonID])
	}
	return f
}

// WriteCombined writes one PDF with a letter per recipient to path. The
// file appears whole or not at all (also when ctx is cancelled).
func (b Batch) WriteCombined(ctx context.Context, path string) error {
	c, r, now, err := b.prepare()
	if err != nil {
		return err
	}
	docs := make([]Doc, len(b.Rows))
	for i, row := range b.Rows {
		docs[i] = c.Merge(b.fields(row, now))
	}
	r.OnProgress = b.OnProgress
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := r.PDF(ctx, docs, f); err != nil {
		return fileError(path, err)
	}
	return f.Commit()
}

// fileError names the file a PDF could not be written to.
func fileError(path string, err error) error {
	var we *WriteError
	if errors.As(err, &we) {
		return &atomicfile.Error{Path: path, Err: we.Err}
	}
	return err
}

// WriteFolder writes one PDF per recipient into dir (created if needed),
// named from the unit code and the person, and returns the files' paths.
// Each file is written whole; on cancel the ones already done stay.
func (b Batch) WriteFolder(ctx context.Context, dir string) ([]string, error) {
	c, r, now, err := b.prepare()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("no se pudo crear la carpeta %s: %s", dir, atomicfile.Reason(err))
	}
	used := map[string]bool{}
	var paths []string
	for i, row := range b.Rows {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		name := uniqueName(FileName(row), used)
		path := filepath.Join(dir, name)
		d := c.Merge(b.fields(row, now))
		f, err := atomicfile.Create(path)
		if err != nil {
			return paths, err
		}
		if err := r.PDF(ctx, []Doc{d}, f); err != nil {
			f.Abort()
			return paths, fileError(path, err)
		}
		if err := f.Commit(); err != nil {
			return paths, err
		}
		paths = append(paths, path)
		if b.OnProgress != nil {
			b.OnProgress(i+1, len(b.Rows))
		}
	}
	return paths, nil
}

// FileName is the PDF's name for a recipient: "<unit code> - <name>.pdf",
// made safe so that no data can name a path or a device: separators and
// characters Windows refuses become "-", leading dots go, and the name is
// kept short.
func FileName(row data.UserRow) string {
	name := row.FullName()
	if name == "" {
		name = row.Email
	}
	base := safeName(row.UnitCode)
	if n := safeName(name); n != "" {
		if base != "" {
			base += " - "
		}
		base += n
	}
	if base == "" {
		base = "carta"
	}
	// Windows reads the part before the first dot: "COM9.b - Ana.pdf" is
	// the serial port COM9, whatever follows.
	if atomicfile.WindowsNameProblem(base+".pdf") != "" {
		base = "_" + base
	}
	return base + ".pdf"
}

var reserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/' || r == '\\' || r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteRune('-')
		case unicode.IsControl(r) || r == utf8.RuneError:
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = strings.Trim(out, ". -")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	out = strings.Trim(out, ". -")
	if len(out) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = strings.TrimRight(out[:cut], ". -")
	}
	low := strings.ToLower(out)
	if reserved[low] || (len(low) == 4 && (strings.HasPrefix(low, "com") || strings.HasPrefix(low, "lpt")) && low[3] >= '0' && low[3] <= '9') {
		out = "_" + out
	}
	return out
}

func uniqueName(name string, used map[string]bool) string {
	stem := strings.TrimSuffix(name, ".pdf")
	cand := name
	for i := 2; used[strings.ToLower(cand)]; i++ {
		cand = fmt.Sprintf("%s (%d).pdf", stem, i)
	}
	used[strings.ToLower(cand)] = true
	return cand
}

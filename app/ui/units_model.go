package ui

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"comunidad/data"
)

// unitsSnapshot is the Unidades/Usuarios listing held in memory: the rows as
// the store returned them plus what filtering and sorting need, computed
// once per load so that each keystroke only scans prepared strings.
type unitsSnapshot struct {
	rows    []data.UserRow
	hay     []string     // per row: folded unit, names, surnames, RUT spellings, email
	sectors []string     // distinct sectors, natural order
	units   int          // distinct units
	orders  [][]int32    // per sort key, lazily: row indexes in ascending order
	totals  map[bool]int // users with and without the archived ones, lazily
	// longestUnit is the unit text with the most characters, to size the column.
	longestUnit string
	texts       map[int][]string // per column, lazily: see cellTexts
	// newcomers are the people in their units who arrived with the latest
	// import (data.Store.Newcomers), for «Nuevos desde la última importación».
	newcomers map[data.MemberKey]bool
}

// Sort keys: the table's columns that can be sorted.
const (
	sortUnit = iota
	sortFirst
	sortLast
	sortEmail
	sortType
	sortMain
	sortOrigin
	sortLetter
	numSortKeys
)

func newUnitsSnapshot(rows []data.UserRow) *unitsSnapshot {
	s := &unitsSnapshot{rows: rows, hay: make([]string, len(rows)), orders: make([][]int32, numSortKeys)}
	sectors := map[string]bool{}
	units := map[int64]bool{}
	var b strings.Builder
	for i, r := range rows {
		b.Reset()
		for _, f := range []string{r.UnitCode, r.UnitName, r.FirstNames, r.LastNames, r.Email} {
			b.WriteString(f)
			b.WriteByte('\x00')
		}
		if r.RUT != "" {
			// Every usual spelling: 12345678-5, 12.345.678-5, 123456785.
			b.WriteString(r.RUT)
			b.WriteByte('\x00')
			b.WriteString(data.FormatRUT(r.RUT))
			b.WriteByte('\x00')
			b.WriteString(strings.ReplaceAll(r.RUT, "-", ""))
		}
		s.hay[i] = data.Fold(b.String())
		if r.Sector != "" {
			sectors[r.Sector] = true
		}
		if !units[r.UnitID] {
			if u := unitText(r.UnitCode, r.UnitName); utf8.RuneCountInString(u) > utf8.RuneCountInString(s.longestUnit) {
				s.longestUnit = u
			}
		}
		units[r.UnitID] = true
	}
	for sec := range sectors {
		s.sectors = append(s.sectors, sec)
	}
	sort.Slice(s.sectors, func(i, j int) bool { return data.NaturalCompare(s.sectors[i], s.sectors[j]) < 0 })
	s.units = len(units)
	// The store lists rows in natural unit order already.
	s.orders[sortUnit] = identity(len(rows))
	return s
}

// cellTexts is, for sizing a column, the texts text gives for the rows:
// one of each length in characters, empty ones left out. It is worked out
// once per snapshot and column, on the UI's goroutine.
func (s *unitsSnapshot) cellTexts(col int, text func(data.UserRow) string) []string {
	if v, ok := s.texts[col]; ok {
		return v
	}
	byLen := map[int]bool{}
	var out []string
	for i := range s.rows {
		t := text(s.rows[i])
		if n := utf8.RuneCountInString(t); n > 0 && !byLen[n] {
			byLen[n] = true
			out = append(out, t)
		}
	}
	if s.texts == nil {
		s.texts = map[int][]string{}
	}
	s.texts[col] = out
	return out
}

func identity(n int) []int32 {
	o := make([]int32, n)
	for i := range o {
		o[i] = int32(i)
	}
	return o
}

// unitsFilter is what the search box and the filter widgets ask for.
type unitsFilter struct {
	query    string
	sector   string        // "" for all
	userType data.UserType // "" for all
	origin   string        // "", originKastor, originLocal, originSecondary
	archived bool          // also show archived units and users
	noEmail  bool          // only users without an email
	newOnly  bool          // only the people who arrived with the latest import
	sortKey  int
	desc     bool
}

const (
	originKastor    = "kastor"
	originLocal     = "local"
	originSecondary = "secondary"
)

// filter returns the indexes of the rows f lets through, in f's order. Every
// word of the query must appear in the row (unit, names, surnames, RUT or
// email), ignoring case and accents.
func (s *unitsSnapshot) filter(f unitsFilter) []int32 {
	words := strings.Fields(data.Fold(f.query))
	order := s.order(f.sortKey)
	out := make([]int32, 0, len(order))
	n := len(order)
	for k := 0; k < n; k++ {
		i := order[k]
		if f.desc {
			i = order[n-1-k]
		}
		r := &s.rows[i]
		if !f.archived && (r.Archived || r.UnitArchived) {
			continue
		}
		if f.sector != "" && r.Sector != f.sector {
			continue
		}
		if f.userType != "" && (r.Type != f.userType || r.PersonID == 0) {
			continue
		}
		switch f.origin {
		case originKastor:
			if r.Origin != data.OriginKastor {
				continue
			}
		case originLocal:
			if r.Origin != data.OriginLocal || r.Role == data.RoleSecondaryEmail {
				continue
			}
		case originSecondary:
			if r.Role != data.RoleSecondaryEmail {
				continue
			}
		}
		if f.noEmail && (r.Email != "" || r.Empty()) {
			continue
		}
		if f.newOnly && !s.newcomers[data.MemberKey{UnitID: r.UnitID, PersonID: r.PersonID}] {
			continue
		}
		if !matchAll(s.hay[i], words) {
			continue
		}
		out = append(out, i)
	}
	return out
}

func matchAll(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// order returns the rows in ascending order of the sort key, computing it
// the first time it is asked for. Ties keep the listing's order (by unit,
// main account first), so a sorted table still groups each unit's users.
func (s *unitsSnapshot) order(key int) []int32 {
	if key < 0 || key >= numSortKeys {
		key = sortUnit
	}
	if o := s.orders[key]; o != nil {
		return o
	}
	keys := make([]string, len(s.rows))
	for i, r := range s.rows {
		keys[i] = sortValue(r, key)
	}
	o := identity(len(s.rows))
	sort.SliceStable(o, func(a, b int) bool {
		ka, kb := keys[o[a]], keys[o[b]]
		// Empty values last (first when descending).
		if (ka == "") != (kb == "") {
			return kb == ""
		}
		return ka < kb
	})
	s.orders[key] = o
	return o
}

func sortValue(r data.UserRow, key int) string {
	switch key {
	case sortFirst:
		return data.Fold(r.FirstNames)
	case sortLast:
		return data.Fold(r.LastNames)
	case sortEmail:
		return r.Email
	case sortType:
		if r.PersonID == 0 {
			return ""
		}
		return string(r.Type)
	case sortMain:
		if r.IsMain() {
			return "0"
		}
		if r.Empty() {
			return ""
		}
		return "1"
	case sortOrigin:
		switch {
		case r.Role == data.RoleSecondaryEmail:
			return "2"
		case r.Origin == data.OriginKastor:
			return "0"
		case r.Origin == data.OriginLocal:
			return "1"
		}
		return ""
	case sortLetter:
		if r.LetterSentAt.IsZero() {
			return ""
		}
		return data.FormatTime(r.LetterSentAt)
	}
	return ""
}

// narrowed reports whether the search or a filter hides rows (archived
// rows hidden by default do not count).
func (f unitsFilter) narrowed() bool {
	return strings.TrimSpace(f.query) != "" || f.sector != "" || f.userType != "" || f.origin != "" || f.noEmail || f.newOnly
}

// total is how many users the tab shows with no search or filter.
func (s *unitsSnapshot) total(archived bool) int {
	if n, ok := s.totals[archived]; ok {
		return n
	}
	if s.totals == nil {
		s.totals = map[bool]int{}
	}
	n, _ := s.counts(s.filter(unitsFilter{archived: archived}))
	s.totals[archived] = n
	return n
}

// counts is how many users (people and secondary emails) and distinct units
// the shown rows hold.
func (s *unitsSnapshot) counts(shown []int32) (users, units int) {
	seen := make(map[int64]struct{}, len(shown)/2+1)
	for _, i := range shown {
		r := &s.rows[i]
		if !r.Empty() {
			users++
		}
		seen[r.UnitID] = struct{}{}
	}
	return users, len(seen)
}

// thousands writes n the Chilean way, with a dot between thousands: 1.234.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

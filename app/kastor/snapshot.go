package kastor

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"comunidad/data"
)

// builder turns data rows into a snapshot, collecting row problems.
type builder struct {
	cols       *columns
	snap       data.Snapshot
	units      map[string]int // code -> index in snap.Units
	unitRow    []int          // row where each unit first appeared
	unitLabels []map[string]bool
	explicit   []bool         // PerPerson: the unit has a person marked Responsable
	people     map[string]int // key -> index in snap.People
	peopleRow  []int
	emails     map[string]int // email -> index in snap.People
	lastCode   string
	rows       int
	noEmail    []noEmailAt
	dropped    int // problems over maxProblems, counted but not kept
}

// maxProblems is how many row problems a report keeps: a file of a million
// bad rows reports the first ones and how many more there were.
const maxProblems = 1000

func newBuilder(cols *columns) *builder {
	return &builder{cols: cols, units: map[string]int{}, people: map[string]int{}, emails: map[string]int{}}
}

func (b *builder) problem(row int, format string, args ...any) {
	if len(b.snap.Problems) >= maxProblems {
		b.dropped++
		return
	}
	b.snap.Problems = append(b.snap.Problems, data.SyncProblem{Row: row, Message: fmt.Sprintf(format, args...)})
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// add takes one data row.
func (b *builder) add(num int, row []string) {
	if blank(row) {
		return
	}
	b.clean(num, row)
	b.rows++
	if b.cols.layout == PerUnit {
		b.addPerUnit(num, row)
	} else {
		b.addPerPerson(num, row)
	}
}

func (b *builder) addPerUnit(num int, row []string) {
	c := b.cols
	code := c.get(row, fCode)
	if code == "" {
		b.problem(num, "la fila no tiene código de inmueble: se omitió")
		return
	}
	u := data.SnapshotUnit{Code: code, Name: c.get(row, fUnitName), Assigned: c.get(row, fAssigned), Sector: c.get(row, fSector)}
	if !b.factor(num, c.get(row, fFactor), &u.Factor) {
		return
	}
	if i, dup := b.units[code]; dup {
		prev := b.snap.Units[i]
		if prev.Name != u.Name || prev.Assigned != u.Assigned || prev.Sector != u.Sector || prev.Factor != u.Factor {
			b.problem(num, "el código %s ya apareció en la fila %d con otros datos: se usó la fila %d", code, b.unitRow[i], b.unitRow[i])
		} else {
			b.problem(num, "el código %s está repetido (ya apareció en la fila %d): se omitió", code, b.unitRow[i])
		}
		return
	}
	ui := b.newUnit(num, u)
	for si, s := range c.slots {
		full, email := cell(row, s.name), cell(row, s.email)
		if full == "" && email == "" {
			continue
		}
		first, last := SplitFullName(full)
		p := personIn{first: first, last: last, email: email, typ: data.Residente}
		role := data.RoleAdditional
		if si == 0 {
			p.typ, role = data.Propietario, data.RoleMain
		}
		b.member(num, ui, p, role)
	}
}

func (b *builder) addPerPerson(num int, row []string) {
	c := b.cols
	code := c.get(row, fCode)
	if code == "" {
		if b.lastCode == "" {
			b.problem(num, "la fila no tiene código de inmueble: se omitió")
			return
		}
		code = b.lastCode // continues the inmueble above
	}
	u := data.SnapshotUnit{Code: code, Sector: c.get(row, fSector), Floor: c.get(row, fFloor), Assigned: c.get(row, fAssigned), Name: c.get(row, fUnitName)}
	label := c.get(row, fUnit)
	if u.Name == "" {
		u.Name = label
	}
	factorText := c.get(row, fFactor)
	if !b.factor(num, factorText, &u.Factor) {
		factorText = ""
	}
	ui, seen := b.units[code]
	if !seen {
		ui = b.newUnit(num, u)
	} else {
		prev := &b.snap.Units[ui]
		differs := func(a, b string) bool { return a != "" && b != "" && a != b }
		if differs(u.Sector, prev.Sector) || differs(u.Floor, prev.Floor) || (factorText != "" && prev.Factor != 0 && u.Factor != prev.Factor) {
			if code == b.lastCode {
				b.problem(num, "el inmueble %s tiene otros datos (sector, piso o factor) que en la fila %d: se usaron los de la fila %d", code, b.unitRow[ui], b.unitRow[ui])
			} else {
				b.problem(num, "el código %s ya apareció en la fila %d con otros datos: se usaron los de la fila %d", code, b.unitRow[ui], b.unitRow[ui])
			}
		}
		if prev.Sector == "" {
			prev.Sector = u.Sector
		}
		if prev.Floor == "" {
			prev.Floor = u.Floor
		}
		if prev.Factor == 0 {
			prev.Factor = u.Factor
		}
		if prev.Name == "" {
			prev.Name = u.Name
		}
		if prev.Assigned == "" {
			prev.Assigned = u.Assigned
		}
	}
	if label != "" && c.col[fAssigned] < 0 && !b.unitLabels[ui][label] {
		b.unitLabels[ui][label] = true
		if a := &b.snap.Units[ui].Assigned; *a == "" {
			*a = label
		} else {
			*a += ", " + label
		}
	}
	b.lastCode = code

	p := personIn{
		first: c.get(row, fFirst),
		rut:   c.get(row, fRUT),
		email: c.get(row, fEmail),
		phone: c.get(row, fPhone),
	}
	last := strings.TrimSpace(strings.Join(strings.Fields(c.get(row, fPaterno)+" "+c.get(row, fMaterno)), " "))
	if last == "" {
		last = c.get(row, fLast)
	}
	p.last = last
	if full := c.get(row, fFull); full != "" && p.first == "" && p.last == "" {
		p.first, p.last = SplitFullName(full)
	}
	if p.first == "" && p.last == "" && p.rut == "" && p.email == "" {
		return // a row for one of the inmueble's units, with no person
	}
	main := isYes(c.get(row, fResp))
	p.typ = userType(c.get(row, fType), main)
	role := data.RoleAdditional
	if main {
		if b.explicit[ui] {
			b.problem(num, "el inmueble %s ya tiene un responsable: %s queda como usuario adicional", code, fullName(p.first, p.last))
		} else {
			role = data.RoleMain
			b.explicit[ui] = true
		}
	}
	b.member(num, ui, p, role)
}

func (b *builder) newUnit(num int, u data.SnapshotUnit) int {
	i := len(b.snap.Units)
	b.snap.Units = append(b.snap.Units, u)
	b.units[u.Code] = i
	b.unitRow = append(b.unitRow, num)
	b.unitLabels = append(b.unitLabels, map[string]bool{})
	b.explicit = append(b.explicit, false)
	return i
}

// factor parses a prorrateo factor: "0,01234", "0.01234", "1.234,5", "1,5%".
func (b *builder) factor(num int, s string, out *float64) bool {
	if s == "" {
		return true
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(s, " ", ""), "%"))
	dot, comma := strings.LastIndex(t, "."), strings.LastIndex(t, ",")
	switch {
	case dot >= 0 && comma >= 0 && comma > dot: // 1.234,5
		t = strings.ReplaceAll(t, ".", "")
		t = strings.Replace(t, ",", ".", 1)
	case dot >= 0 && comma >= 0: // 1,234.5
		t = strings.ReplaceAll(t, ",", "")
	case comma >= 0:
		t = strings.Replace(t, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 {
		b.problem(num, "el factor «%s» no es un número: se usó 0", s)
		return false
	}
	*out = f
	return true
}

// personIn is a person as one row gives them, not yet checked.
type personIn struct {
	first, last, rut, email, phone string
	typ                            data.UserType
}

func fullName(first, last string) string {
	return strings.TrimSpace(first + " " + last)
}

// member checks a person, finds them again if an earlier row listed them
// (an owner of two inmuebles), and adds them to unit ui.
func (b *builder) member(num, ui int, p personIn, role data.Role) {
	name := fullName(p.first, p.last)
	who := name
	if who == "" {
		who = "la persona"
	}
	code := b.snap.Units[ui].Code
	rut, err := data.NormalizeRUT(p.rut)
	if err != nil {
		b.problem(num, "el RUT «%s» de %s no es válido (dígito verificador): se importó sin RUT", p.rut, who)
	}
	email, err := data.NormalizeEmail(p.email)
	switch {
	case err != nil:
		b.problem(num, "el correo «%s» de %s (inmueble %s) no es válido: se importó sin correo", p.email, who, code)
	}
	noEmail := p.email == ""
	key := ""
	switch {
	case rut != "":
		key = "rut:" + rut
	case email != "":
		key = "correo:" + email
	default:
		key = "nombre:" + data.Fold(name) + "@" + code
	}
	if i, ok := b.people[key]; ok {
		prev := &b.snap.People[i]
		prevName := fullName(prev.FirstNames, prev.LastNames)
		if strings.HasPrefix(key, "correo:") && name != "" && prevName != "" && data.Fold(name) != data.Fold(prevName) {
			// Two different people with one email: the second keeps no email.
			b.problem(num, "el correo %s ya es de %s (fila %d): %s se importó sin correo", email, prevName, b.peopleRow[i], name)
			email, key = "", "nombre:"+data.Fold(name)+"@"+code
		} else {
			if strings.HasPrefix(key, "rut:") && name != "" && prevName != "" && data.Fold(name) != data.Fold(prevName) {
				b.problem(num, "el RUT %s aparece como %s y como %s (fila %d): se usó el primero", data.FormatRUT(rut), prevName, name, b.peopleRow[i])
			}
			if prev.Email == "" && email != "" {
				if _, taken := b.emails[email]; !taken {
					prev.Email = email
					b.emails[email] = i
				}
			}
			if prev.Phone == "" {
				prev.Phone = p.phone
			}
			b.join(ui, i, role)
			return
		}
	}
	if email != "" {
		if j, taken := b.emails[email]; taken {
			b.problem(num, "el correo %s ya es de %s (fila %d): %s se importó sin correo", email,
				fullName(b.snap.People[j].FirstNames, b.snap.People[j].LastNames), b.peopleRow[j], who)
			email = ""
		}
	}
	if i, ok := b.people[key]; ok { // the name key of the same person in the same inmueble
		b.join(ui, i, role)
		return
	}
	i := len(b.snap.People)
	b.snap.People = append(b.snap.People, data.SnapshotPerson{Key: key, FirstNames: p.first, LastNames: p.last,
		RUT: rut, Email: email, Phone: p.phone, Type: p.typ})
	b.people[key] = i
	b.peopleRow = append(b.peopleRow, num)
	if email != "" {
		b.emails[email] = i
	}
	if noEmail {
		b.noEmail = append(b.noEmail, noEmailAt{person: i, row: num, code: code})
	}
	b.join(ui, i, role)
}

// noEmailAt is a person listed without email, reported at the end unless
// another row gave their email.
type noEmailAt struct {
	person, row int
	code        string
}

func (b *builder) join(ui, person int, role data.Role) {
	u := &b.snap.Units[ui]
	for k, m := range u.Members {
		if m.Person == person {
			if role == data.RoleMain {
				u.Members[k].Role = data.RoleMain
			}
			return
		}
	}
	u.Members = append(u.Members, data.SnapshotMember{Person: person, Role: role})
}

// finish gives every inmueble with people a main account: the one marked
// Responsable, else the first listed.
func (b *builder) finish() *data.Snapshot {
	for _, n := range b.noEmail {
		if p := b.snap.People[n.person]; p.Email == "" {
			who := fullName(p.FirstNames, p.LastNames)
			if who == "" {
				who = "la persona"
			}
			b.problem(n.row, "%s (inmueble %s) no tiene correo", data.Capitalize(who), n.code)
		}
	}
	sort.SliceStable(b.snap.Problems, func(i, j int) bool { return b.snap.Problems[i].Row < b.snap.Problems[j].Row })
	if b.dropped > 0 {
		b.snap.Problems = append(b.snap.Problems, data.SyncProblem{Message: fmt.Sprintf(
			"y %d observaciones más (se muestran las primeras %d)", b.dropped, maxProblems)})
	}
	for i := range b.snap.Units {
		u := &b.snap.Units[i]
		hasMain := false
		for k := range u.Members {
			if u.Members[k].Role == data.RoleMain {
				if hasMain {
					u.Members[k].Role = data.RoleAdditional
				}
				hasMain = true
			}
		}
		if !hasMain && len(u.Members) > 0 {
			u.Members[0].Role = data.RoleMain
		}
	}
	return &b.snap
}

func isYes(s string) bool {
	s = strings.TrimSpace(s)
	switch s { // the usual spellings, without folding (it is slow for "Sí")
	case "Sí", "SÍ", "sí", "Si", "SI", "si", "S", "s", "X", "x", "1":
		return true
	case "", "No", "NO", "no", "N", "n", "0":
		return false
	}
	switch data.Fold(s) {
	case "si", "s", "x", "1", "true", "verdadero", "yes", "y":
		return true
	}
	return false
}

// userType reads Kastor's "Tipo"; an empty one is Propietario for the
// responsible and Residente for anyone else.
func userType(s string, main bool) data.UserType {
	t := data.Fold(strings.TrimSpace(s))
	switch {
	case t == "":
		if main {
			return data.Propietario
		}
		return data.Residente
	case strings.HasPrefix(t, "propietari"), strings.HasPrefix(t, "duen"), t == "owner", strings.HasPrefix(t, "copropietari"):
		return data.Propietario
	case strings.HasPrefix(t, "arrendatari"), strings.HasPrefix(t, "inquilin"), t == "tenant":
		return data.Arrendatario
	case strings.HasPrefix(t, "residente"), strings.HasPrefix(t, "ocupante"), strings.HasPrefix(t, "habitante"):
		return data.Residente
	}
	return data.Otro
}

package letter

import (
	"fmt"
	"slices"
	"strings"

	"comunidad/data"
)

// Account is the case a letter's recipient is in with the residents'
// portal, which the template's sections choose between.
type Account string

const (
	HasAccount  Account = "cuenta"           // the account exists: the letter may give the login
	WillAccount Account = "cuenta_por_crear" // it is created when the users are generated
	NoAccount   Account = "sin_cuenta"       // there is none, and why is {motivo_sin_cuenta}
)

// Accounts lists the cases in the order plans count them.
var Accounts = []Account{HasAccount, WillAccount, NoAccount}

// Label is the case as a plan names it.
func (a Account) Label() string {
	switch a {
	case WillAccount:
		return "cuenta por crear (al generar los usuarios)"
	case NoAccount:
		return "sin cuenta en el portal"
	}
	return "con cuenta en el portal"
}

// The template's sections: a line with only the marker opens one, {fin_si}
// closes it; what is between goes only into the letters of that case.
var sectionOpen = map[string]Account{
	"{si_cuenta}":           HasAccount,
	"{si_cuenta_por_crear}": WillAccount,
	"{si_sin_cuenta}":       NoAccount,
}

const sectionEnd = "{fin_si}"

func sectionTag(a Account) string {
	for tag, c := range sectionOpen {
		if c == a {
			return tag
		}
	}
	return ""
}

// Sections describes the sections for the editor's help, in order.
var Sections = []Field{
	{"si_cuenta", "Sección para quien ya tiene cuenta en el portal (termina con {fin_si})"},
	{"si_cuenta_por_crear", "Sección para quien tendrá cuenta al generar los usuarios (termina con {fin_si})"},
	{"si_sin_cuenta", "Sección para quien no tendrá cuenta (termina con {fin_si})"},
	{"fin_si", "Fin de la sección"},
}

// accountKey carries the recipient's case into Merge (not a merge field).
const accountKey = "\x00cuenta"

// NoAccountLogin is what {usuario} prints for someone who has no account
// and will not get one: never a login.
const NoAccountLogin = "sin cuenta en el portal"

// AccountCase is the letter's case for what the accounts plan says of a
// person (data.AccountsReport.PersonAccounts).
func AccountCase(pa data.PersonAccount) Account {
	switch pa.Outlook {
	case data.AccountExists:
		return HasAccount
	case data.AccountWillExist:
		return WillAccount
	}
	return NoAccount
}

// reasonText is why there is no account, as a letter tells the recipient.
func reasonText(r data.AccountReason) string {
	switch r {
	case data.ReasonNoEmail:
		return "no tenemos registrado su correo electrónico"
	case data.ReasonInvalidEmail:
		return "el correo electrónico que tenemos registrado no es válido"
	case data.ReasonSharedEmail:
		return "su correo electrónico lo usa también otra persona de la comunidad, y cada cuenta necesita el suyo"
	case data.ReasonNotEligible:
		return "las cuentas se crean para los propietarios y para la cuenta principal de cada unidad"
	}
	return "su unidad aún no tiene datos suficientes para crearla"
}

// SetAccount fills the account fields of a recipient's letter from what the
// accounts plan says of them: {usuario} is the login only when the account
// exists or will; {motivo_sin_cuenta} says why there is none.
func (f Fields) SetAccount(pa data.PersonAccount) {
	c := AccountCase(pa)
	f[accountKey] = string(c)
	switch c {
	case HasAccount, WillAccount:
		f["usuario"] = pa.Login
		f["motivo_sin_cuenta"] = ""
	default:
		f["usuario"] = NoAccountLogin
		f["motivo_sin_cuenta"] = reasonText(pa.Reason)
	}
}

// Case is the recipient's case these fields were filled for.
func (f Fields) Case() Account {
	if a := Account(f[accountKey]); a != "" {
		return a
	}
	return HasAccount
}

// CheckLetter is Check for a welcome letter: besides the template's own
// problems, a field of one account case where a recipient of another case
// would read it is one: {usuario} in the title or outside {si_cuenta} and
// {si_cuenta_por_crear} (someone without an account would read «Usuario:
// sin cuenta en el portal»), {motivo_sin_cuenta} in the title or outside
// {si_sin_cuenta} (it is blank for whoever has or will have an account).
// Like a letter with holes such a letter is refused, at the field's line
// and column (the new-user email, which goes only to account holders, is
// checked with CheckNotice).
func CheckLetter(t Template) []Problem {
	return append(Check(t), caseProblems(t, Accounts, "la carta")...)
}

// CompileLetter is Compile for a welcome letter (CheckLetter's problems).
func CompileLetter(t Template) (*Compiled, error) {
	return compileFor(t, Accounts, "la carta")
}

// CheckNotice is Check for the new-user email, which only people who have
// an account get: {motivo_sin_cuenta} where they would read it (the
// subject, the text outside {si_sin_cuenta}) is blank there, and refused.
func CheckNotice(t Template) []Problem {
	return append(Check(t), caseProblems(t, []Account{HasAccount}, "el correo")...)
}

// CompileNotice is Compile for the new-user email (CheckNotice's problems).
func CompileNotice(t Template) (*Compiled, error) {
	return compileFor(t, []Account{HasAccount}, "el correo")
}

func compileFor(t Template, readers []Account, what string) (*Compiled, error) {
	c, err := Compile(t)
	if err != nil {
		return nil, err
	}
	if probs := caseProblems(t, readers, what); len(probs) > 0 {
		return nil, &TemplateError{probs}
	}
	return c, nil
}

// caseField is a merge field that only makes sense in some account cases:
// in any other it prints a stand-in ({usuario}: «sin cuenta en el
// portal») or nothing ({motivo_sin_cuenta}).
type caseField struct {
	name  string
	cases []Account // the cases whose letters may print it
	// msg says why it is refused where a reader of another case sees
	// it; %s is what the reader gets («la carta», «el correo»).
	msg string
}

var caseFields = []caseField{
	{"usuario", []Account{HasAccount, WillAccount},
		"{usuario} fuera de una sección {si_cuenta} o {si_cuenta_por_crear}: a quien no tiene cuenta %s le diría «" + NoAccountLogin + "»; póngalo dentro de una de esas secciones"},
	{"motivo_sin_cuenta", []Account{NoAccount},
		"{motivo_sin_cuenta} fuera de una sección {si_sin_cuenta}: a quien tiene o tendrá cuenta %s se lo dejaría en blanco; póngalo dentro de esa sección"},
}

// caseProblems finds the fields of caseFields where a reader of another
// case would read them: readers are the cases the template is merged for
// (every case for a letter; an account holder for the new-user email). The
// title is read in every case; a section's text, only in its own.
func caseProblems(t Template, readers []Account, what string) []Problem {
	var probs []Problem
	check := func(part string, line int, toks []token, cond Account) {
		read := readers
		if cond != "" {
			read = nil
			if slices.Contains(readers, cond) {
				read = []Account{cond}
			}
		}
		for _, tk := range toks {
			if tk.kind != tokField {
				continue
			}
			for _, cf := range caseFields {
				if cf.name != tk.field {
					continue
				}
				for _, r := range read {
					if !slices.Contains(cf.cases, r) {
						probs = append(probs, Problem{Part: part, Line: line, Col: tk.col, Msg: fmt.Sprintf(cf.msg, what)})
						break
					}
				}
			}
		}
	}
	// Scanned as compile scans them, so the columns are the ones its own
	// problems give; its problems are not repeated here.
	var discard []Problem
	title := strings.Join(strings.Fields(strings.ReplaceAll(t.Title, "\r", "")), " ")
	check(PartTitle, 1, scanLine(title, PartTitle, 1, 1, &discard, false), "")
	body := strings.ReplaceAll(strings.ReplaceAll(t.Body, "\r\n", "\n"), "\r", "\n")
	var cond Account
	for n, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, " \t")
		trimmed := strings.TrimLeft(line, " \t")
		if open, ok := sectionOpen[trimmed]; ok {
			cond = open
			continue
		}
		if trimmed == sectionEnd {
			cond = ""
			continue
		}
		check(PartBody, n+1, scanLine(line, PartBody, n+1, 1, &discard, true), cond)
	}
	return probs
}

package letter

import (
	"fmt"
	"strings"
	"unicode/utf8"

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
// problems, {usuario} where a recipient without an account would read it
// (the title, the text outside {si_cuenta} and {si_cuenta_por_crear}) is
// one. Such a letter would tell them «Usuario: sin cuenta en el portal»;
// like a letter with holes it is refused (the new-user email, which goes
// only to account holders, is checked with Check).
func CheckLetter(t Template) []Problem {
	return append(Check(t), loginProblems(t)...)
}

// CompileLetter is Compile for a welcome letter (CheckLetter's problems).
func CompileLetter(t Template) (*Compiled, error) {
	c, err := Compile(t)
	if err != nil {
		return nil, err
	}
	if probs := loginProblems(t); len(probs) > 0 {
		return nil, &TemplateError{probs}
	}
	return c, nil
}

const loginField = "{usuario}"

func loginProblems(t Template) []Problem {
	msg := fmt.Sprintf("%s fuera de una sección {si_cuenta} o {si_cuenta_por_crear}: a quien no tiene cuenta la carta le diría «%s»; póngalo dentro de una de esas secciones",
		loginField, NoAccountLogin)
	var probs []Problem
	if i := strings.Index(t.Title, loginField); i >= 0 {
		probs = append(probs, Problem{Part: PartTitle, Line: 1, Col: utf8.RuneCountInString(t.Title[:i]) + 1, Msg: msg})
	}
	body := strings.ReplaceAll(strings.ReplaceAll(t.Body, "\r\n", "\n"), "\r", "\n")
	var cond Account
	for n, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if open, ok := sectionOpen[trimmed]; ok {
			cond = open
			continue
		}
		if trimmed == sectionEnd {
			cond = ""
			continue
		}
		if cond == HasAccount || cond == WillAccount {
			continue
		}
		if i := strings.Index(line, loginField); i >= 0 {
			probs = append(probs, Problem{Part: PartBody, Line: n + 1, Col: utf8.RuneCountInString(line[:i]) + 1, Msg: msg})
		}
	}
	return probs
}

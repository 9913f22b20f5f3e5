package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"comunidad/app/mailer"
	"comunidad/app/officedb"
	"comunidad/app/workflow"
	"comunidad/data"
)

// TestErrorsInTheUsersLanguage: the typed and sentinel errors of the layers
// below are put into words by the window, also when wrapped: in Spanish
// under a Spanish system, and in English under an English one (the test
// runs itself again under LANG=en_US.UTF-8: Fyne reads the language once).
func TestErrorsInTheUsersLanguage(t *testing.T) {
	errs := []struct {
		err    error
		es, en string
	}{
		{&mailer.AuthError{Reply: "535 5.7.8"}, "el servidor SMTP rechazó el usuario o la contraseña (535 5.7.8)", "the SMTP server refused the username or the password (535 5.7.8)"},
		{fmt.Errorf("enviar: %w", &mailer.ConnectError{Addr: "smtp.example.cl:587", Err: errors.New("timeout")}), "no se pudo conectar con el servidor SMTP smtp.example.cl:587: timeout", "could not connect to the SMTP server smtp.example.cl:587: timeout"},
		{fmt.Errorf("guardar: %w", data.ErrTemplateName), "ya existe una plantilla con ese nombre", "a template with that name already exists"},
		{data.ErrOutboxBusy, "ya hay un envío de correos en curso", "emails are already being sent"},
		{&workflow.NameTakenError{Community: data.Community{Name: "Torre Sur"}}, "Ya existe la comunidad «Torre Sur»", "The community “Torre Sur” already exists"},
		{workflow.ErrNoBackups, "no guarda copias de seguridad", "keeps no backups"},
		{context.Canceled, "cancelado", "cancelled"},
		// The form's validation problems and the limit, with their facts.
		{fieldErr(data.ValidateEmail("ana@")), `Correo inválido "ana@": escríbalo como nombre@dominio.cl`, `Invalid email "ana@": write it as name@domain.cl`},
		{fieldErr(data.ValidateName(data.FieldLastNames, "Soto#")), `Los apellidos no pueden llevar '#': revise lo escrito`, `Last names cannot contain '#': check what was typed`},
		{fieldErr(data.ValidatePhone("12 34")), `Teléfono inválido "12 34": debe tener entre 8 y 15 dígitos`, `Invalid phone number "12 34": it must have 8 to 15 digits`},
		{fmt.Errorf("agregar: %w", data.EmailTakenError("ana@example.cl", data.EmailUse{Person: &data.Person{FirstNames: "Ana", LastNames: "Soto", Origin: data.OriginKastor}, Units: []string{"101", "102"}})),
			"El correo ana@example.cl ya es de Ana Soto, que viene de Kastor (las unidades 101, 102): cada correo es el acceso de una sola persona",
			"The email ana@example.cl already belongs to Ana Soto, who comes from Kastor (units 101, 102): each email is the login of one person only"},
		{&data.UnitArchivedError{Code: "B-12"}, "la unidad B-12 está archivada: ya no viene en Kastor", "unit B-12 is archived"},
		{&data.NotMemberError{Person: "Ana Soto", Unit: "101"}, "Ana Soto no es usuario de la unidad 101", "Ana Soto is not a user of unit 101"},
		{&data.KeepRangeError{N: 0, Max: 365}, "entre 1 y 365", "between 1 and 365"},
		{fmt.Errorf("enviar: %w", mailer.ErrNoPassword), "falta la contraseña SMTP", "the SMTP password is missing"},
		{mailer.ErrNoHost, "falta el servidor SMTP", "the SMTP server is missing"},
		{mailer.ErrNoFrom, "falta el correo del remitente", "the sender's email is missing"},
		{limitErr(), "La unidad 101 ya tiene 5 usuarios adicionales, el máximo", "Unit 101 already has 5 additional users, the most allowed"},
		// An undo refused, on the office database and on a file.
		{&workflow.UndoChangedError{At: time.Date(2026, 12, 3, 15, 4, 0, 0, time.Local), Tables: []string{"memberships", "people"}, Changed: []string{"las personas", "los usuarios de las unidades"}, Office: true},
			"no se deshizo la importación del 03-12-2026 15:04: después cambiaron en esta comunidad las personas, los usuarios de las unidades, y deshacerla lo perdería",
			"the import of 03-12-2026 15:04 was not undone: since then the people, the users of the units changed in this community"},
		{fmt.Errorf("deshacer: %w", &workflow.UndoChangedError{At: time.Date(2026, 12, 3, 15, 4, 0, 0, time.Local), Tables: []string{"outbox"}, Changed: []string{"los correos enviados o por enviar"}}),
			"después cambiaron los correos enviados o por enviar, y deshacerla lo perdería; si de todos modos quiere volver atrás, restaure una copia de seguridad",
			"since then the emails sent or to send changed, and undoing it would lose that; to go back anyway, restore a backup"},
	}
	if err := SetupLanguage(); err != nil {
		t.Fatal(err)
	}
	english := os.Getenv("COMUNIDAD_TEST_ENGLISH") == "1"
	for _, e := range errs {
		want := e.es
		if english {
			want = e.en
		}
		if got := (userError{e.err}).Error(); !strings.Contains(got, want) {
			t.Errorf("%v says %q, want %q", e.err, got, want)
		}
		if !errors.Is(userError{e.err}, e.err) {
			t.Errorf("%v: errors.Is lost through userError", e.err)
		}
	}
	// In Spanish the window says exactly what data says (the command
	// line's words), for every problem a form can have; in English none of
	// it is Spanish.
	for _, fe := range everyFieldError() {
		got := errorText(fe)
		if !english && got != fe.Error() {
			t.Errorf("%s/%s: the window says %q, data %q", fe.Problem, fe.Field, got, fe.Error())
		}
		if english && (got == fe.Error() || strings.Contains(got, "{{") || strings.ContainsAny(got, "áéíóúñ") && !strings.Contains(got, "Núñez")) {
			t.Errorf("%s/%s under English: %q", fe.Problem, fe.Field, got)
		}
	}
	// So also for the office database: every way of not reaching it, and
	// every setting missing or wrong (Spanish accents aside, the facts are
	// plain: «srv», «ana»).
	for _, oe := range everyOfficeError() {
		got := errorText(fmt.Errorf("abrir: %w", oe))
		if !english && got != oe.Error() {
			t.Errorf("%v: the window says %q, officedb %q", oe, got, oe.Error())
		}
		if english && (got == oe.Error() || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") || strings.ContainsAny(got, "áéíóúñ")) {
			t.Errorf("%v under English: %q", oe, got)
		}
	}
	if got := errorText(errors.New("otro")); got != "otro" {
		t.Errorf("an error the window does not know keeps its text, got %q", got)
	}
	if english {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestErrorsInTheUsersLanguage$", "-test.count=1")
	cmd.Env = append(os.Environ(), "COMUNIDAD_TEST_ENGLISH=1", "LANG=en_US.UTF-8", "LC_ALL=", "LANGUAGE=", "LC_MESSAGES=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Errorf("under an English system: %v\n%s", err, out)
	}
}

// everyOfficeError is one error of each kind reaching the office database
// can give, and one of each setting Check refuses.
func everyOfficeError() []error {
	cfg := officedb.Config{Host: "srv", Port: 5432, Database: "comunidad", User: "ana"}
	var errs []error
	for k := officedb.KindOther; k <= officedb.KindTLSCertificate; k++ {
		errs = append(errs, &officedb.Error{Kind: k, Config: cfg, Err: errors.New("dial tcp: refused")})
	}
	bad := []officedb.Config{{}, {Host: "srv", Port: 70000}, {Host: "srv", Port: 5432}, {Host: "srv", Port: 5432, Database: "comunidad"}, {Host: "srv", Port: 5432, Database: "comunidad", User: "ana", TLS: "prefer"}}
	for _, c := range bad {
		errs = append(errs, c.Check())
	}
	return errs
}

func fieldErr(_ string, err error) error { return err }

func limitErr() error {
	_, err := data.CheckAddLocalUser(data.LocalUser{Email: "x@example.cl"}, data.LocalUserFacts{Unit: data.Unit{Code: "101"}, LocalCount: data.MaxLocalUsers})
	return err
}

// everyFieldError is one FieldError of each kind a form can show.
func everyFieldError() []*data.FieldError {
	units := []string{"101", "102"}
	return []*data.FieldError{
		{Field: data.FieldFirstNames, Problem: data.ProblemMissing},
		{Field: data.FieldLastNames, Problem: data.ProblemMissing},
		{Field: data.FieldEmail, Problem: data.ProblemMissing},
		{Field: data.FieldFirstNames, Problem: data.ProblemChar, Char: '@'},
		{Field: data.FieldLastNames, Problem: data.ProblemChar, Char: '#'},
		{Field: data.FieldFirstNames, Problem: data.ProblemTooLong, Max: 100},
		{Field: data.FieldLastNames, Problem: data.ProblemTooLong, Max: 100},
		{Field: data.FieldLabel, Problem: data.ProblemTooLong, Max: 60},
		{Field: data.FieldEmail, Problem: data.ProblemInvalid, Value: "ana@"},
		{Field: data.FieldRUT, Problem: data.ProblemInvalid, Value: "12.345.678-0"},
		{Field: data.FieldPhone, Problem: data.ProblemInvalid, Value: "9 1234 abcd"},
		{Field: data.FieldType, Problem: data.ProblemInvalid, Value: "jefe"},
		{Field: data.FieldPhone, Problem: data.ProblemDigits, Value: "12 34"},
		{Field: data.FieldEmail, Problem: data.ProblemTaken, Value: "ana@example.cl", Owner: "Ana Núñez", Units: units[:1]},
		{Field: data.FieldEmail, Problem: data.ProblemTaken, Value: "ana@example.cl", Kastor: true, Units: units},
		{Field: data.FieldEmail, Problem: data.ProblemTaken, Value: "ana@example.cl"},
		{Field: data.FieldEmail, Problem: data.ProblemSecondary, Value: "conserjeria@example.cl", Unit: "101"},
		{Field: data.FieldEmail, Problem: data.ProblemMember, Value: "ana@example.cl", Owner: "Ana Núñez", Unit: "101"},
		{Field: data.FieldEmail, Problem: data.ProblemMember, Value: "ana@example.cl", Unit: "101"},
		{Field: data.FieldEmail, Problem: data.ProblemKastor, Value: "ana@example.cl", Owner: "Ana Núñez", Kastor: true, Units: units},
		{Field: data.FieldRUT, Problem: data.ProblemRUTConflict, Value: "11.111.111-1", Owner: "Ana Núñez", RUT: "12.345.678-5", Units: units},
	}
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"comunidad/app/mailer"
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

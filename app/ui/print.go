package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/lang"

	"comunidad/app/printers"
)

// printFiles sends PDF files to a printer: the system's default one when
// printer is "". Linux and macOS use CUPS's lp (or lpr); Windows asks the
// application registered for PDF to print through the shell's "print" verb
// ("printto" for a named printer).
func printFiles(ctx context.Context, printer string, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if runtime.GOOS == "windows" {
		for _, p := range paths {
			if err := shellPrint(ctx, printer, p); err != nil {
				return err
			}
		}
		return nil
	}
	name, args := printCommand(printer, paths)
	if name == "" {
		return errors.New(printText(printers.ErrorMessage(printers.ErrNoSystem)))
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cmd.Environ(), "LANG=C", "LC_ALL=C") // messages we can recognise
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return printError(out.String(), err, printer)
	}
	return nil
}

// printCommand is lp, or lpr where lp is missing, with its arguments.
func printCommand(printer string, paths []string) (string, []string) {
	if p, err := exec.LookPath("lp"); err == nil {
		args := []string{}
		if printer != "" {
			args = append(args, "-d", printer)
		}
		return p, append(append(args, "--"), paths...)
	}
	if p, err := exec.LookPath("lpr"); err == nil {
		args := []string{}
		if printer != "" {
			args = append(args, "-P", printer)
		}
		return p, append(args, paths...)
	}
	return "", nil
}

// prefPrinter keeps the printer chosen last (a preference of this
// computer, not of the community: printers belong to the machine).
const prefPrinter = "letter.printer"

// printText puts a sentence of the printer picker (app/printers decides
// which one) into the user's language.
func printText(m printers.Message) string { return lang.X(m.Key, m.Text) }

// printError turns the print system's answer into a message for the user.
func printError(out string, err error, printer string) error {
	low := strings.ToLower(out)
	switch {
	case strings.Contains(low, "no default destination"), strings.Contains(low, "no destinations added"),
		strings.Contains(low, "no default printer"):
		return errors.New(lang.X("letter.print.noprinter", "No hay una impresora configurada en este equipo: agregue una (o elija una por omisión) en la configuración del sistema y vuelva a intentarlo."))
	case strings.Contains(low, "does not exist"), strings.Contains(low, "unknown destination"), strings.Contains(low, "unknown printer"):
		return errors.New(lang.X("letter.print.unknown", "No existe la impresora «{{.Name}}».", map[string]any{"Name": printer}))
	case strings.Contains(low, "scheduler is not running"), strings.Contains(low, "unable to connect"):
		return errors.New(printText(printers.ErrorMessage(printers.ErrNoScheduler)))
	}
	msg := strings.TrimSpace(out)
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("%s %s", lang.X("letter.print.failed", "No se pudo imprimir:"), msg)
}

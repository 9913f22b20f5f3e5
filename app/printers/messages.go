package printers

import (
	"errors"
	"runtime"
	"strings"
)

// Message is a sentence the printer picker shows: its translation key and
// its Spanish (es-CL) text, which assets/translations/letter.es.json holds
// too (app/ui's tests check that they agree). The window translates it
// with its lang package; what is decided here (which sentence, for which
// system) is the same under every language and runs without Fyne, so
// Windows' wording is tested on Windows (under Wine in make test-windows).
type Message struct {
	Key  string
	Text string
}

// The picker's sentences. A *Windows one is said on Windows, whose printers
// are in «Impresoras y escáneres» and whose print service is the «Cola de
// impresión»; the others where CUPS prints (Linux, macOS).
var (
	msgFinding = Message{"letter.print.finding", "Buscando impresoras…"}
	msgNone    = Message{"letter.print.none", "Sin impresoras"}

	msgNoPrinters        = Message{"letter.print.noprinters", "Este equipo no tiene impresoras instaladas: agregue una en la configuración del sistema, o abra el PDF e imprímalo desde su visor."}
	msgNoPrintersWindows = Message{"letter.print.noprinters.windows", "Este equipo no tiene impresoras instaladas: agregue una en Configuración de Windows → «Impresoras y escáneres» y vuelva a abrir este diálogo, o abra el PDF e imprímalo desde su visor."}

	msgNoSystem        = Message{"letter.print.nosystem", "No se encontró el sistema de impresión (lp o lpr): instale CUPS o imprima el PDF desde su visor."}
	msgNoSystemWindows = Message{"letter.print.nosystem.windows", "Este equipo no tiene el sistema de impresión de Windows (winspool.drv): abra el PDF e imprímalo desde su visor."}

	msgNoScheduler        = Message{"letter.print.noscheduler", "El servicio de impresión (CUPS) no está funcionando: inícielo o imprima el PDF desde su visor."}
	msgNoSchedulerWindows = Message{"letter.print.noscheduler.windows", "El servicio de impresión de Windows («Cola de impresión») no está funcionando: inícielo en «Servicios» (o reinicie el equipo) y vuelva a abrir este diálogo, o abra el PDF e imprímalo desde su visor."}

	msgList = Message{"letter.print.list", "No se pudo obtener la lista de impresoras:"}
)

// Messages lists every sentence this package can say, on any system, for
// the translations' checks.
func Messages() []Message {
	return []Message{msgFinding, msgNone, msgNoPrinters, msgNoPrintersWindows, msgNoSystem, msgNoSystemWindows,
		msgNoScheduler, msgNoSchedulerWindows, msgList}
}

// Finding is the picker's placeholder while the system is asked.
func Finding() Message { return msgFinding }

// Picker is what the printer picker shows once the system answered List's
// question: the printers to choose from, with the one to offer first; or,
// with none, its placeholder and the line under it saying why and what to
// do about it.
type Picker struct {
	Names    []string
	Selected string  // List.Choose(last)
	Empty    Message // the placeholder when there is nothing to choose
	// Status is what the line under the picker says when there is no
	// printer to choose; Detail, the system's own words after it (an
	// error this package has no sentence for), else "".
	Status Message
	Detail string
}

// Ready says whether there is a printer to print to.
func (p Picker) Ready() bool { return len(p.Names) > 0 }

// Say is the line under the picker: tr puts a message into the user's
// language (nil keeps the Spanish); "" when a printer can be chosen.
func (p Picker) Say(tr func(Message) string) string {
	if p.Status.Key == "" {
		return ""
	}
	if tr == nil {
		tr = func(m Message) string { return m.Text }
	}
	return strings.TrimSpace(tr(p.Status) + " " + p.Detail)
}

// ForPicker decides what the picker shows for what Printers returned on
// this system, last being the printer chosen the time before.
func ForPicker(l List, err error, last string) Picker {
	return forPicker(runtime.GOOS, l, err, last)
}

func forPicker(goos string, l List, err error, last string) Picker {
	p := Picker{Empty: msgNone}
	switch {
	case err != nil:
		p.Status = errorMessage(goos, err)
		if p.Status == msgList {
			p.Detail = err.Error()
		}
	case len(l.Names) == 0:
		p.Status = msgNoPrinters
		if goos == "windows" {
			p.Status = msgNoPrintersWindows
		}
	default:
		p.Names, p.Selected, p.Empty = l.Names, l.Choose(last), Message{}
	}
	return p
}

// ErrorMessage is what to say of an error of Printers (or of printing
// through the same print system) on this system: ErrNoSystem and
// ErrNoScheduler have their own sentence; any other is «No se pudo obtener
// la lista de impresoras:», which the error's own text follows.
func ErrorMessage(err error) Message { return errorMessage(runtime.GOOS, err) }

func errorMessage(goos string, err error) Message {
	win := goos == "windows"
	switch {
	case errors.Is(err, ErrNoSystem) && win:
		return msgNoSystemWindows
	case errors.Is(err, ErrNoSystem):
		return msgNoSystem
	case errors.Is(err, ErrNoScheduler) && win:
		return msgNoSchedulerWindows
	case errors.Is(err, ErrNoScheduler):
		return msgNoScheduler
	}
	return msgList
}

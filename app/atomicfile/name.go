package atomicfile

import (
	"fmt"
	"strings"
)

// NameError is a destination whose file name Windows would refuse, or
// would silently change (a trailing dot or space is dropped, "a:b" writes
// a hidden stream of "a", "CON.xlsx" writes to the console device).
type NameError struct {
	Name   string // the file name, without its folder
	Reason string // what is wrong with it, for the message
}

func (e *NameError) Error() string {
	return fmt.Sprintf("«%s» no es un nombre de archivo válido en Windows (%s): elija otro nombre", e.Name, e.Reason)
}

// windowsReserved are the device names Windows keeps whatever the
// extension: CON.xlsx is the console, not a file.
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}

// WindowsNameProblem says what makes name (one path element) unusable as a
// file name on Windows, or "" when it is fine. Checked on every system for
// names made from data, which may be copied to a Windows computer later.
func WindowsNameProblem(name string) string {
	if name == "" {
		return "está vacío"
	}
	for _, r := range name {
		if r < 0x20 {
			return "tiene caracteres de control"
		}
		if strings.ContainsRune(`<>:"/\|?*`, r) {
			return "no puede tener los caracteres < > : \" / \\ | ? *"
		}
	}
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "no puede terminar en punto ni en espacio"
	}
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	if windowsReserved[stem] || (len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) &&
		(stem[3] >= '0' && stem[3] <= '9')) {
		return stem + " es un nombre reservado del sistema"
	}
	for _, sup := range []string{"¹", "²", "³"} {
		if stem == "COM"+sup || stem == "LPT"+sup {
			return stem + " es un nombre reservado del sistema"
		}
	}
	return ""
}

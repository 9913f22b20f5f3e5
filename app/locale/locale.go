// Package locale makes Spanish (Chile) the interface language when the
// system names none (the "C" or "POSIX" locale, or nothing set, as on many
// servers and minimal desktops). Fyne would fall back to English there, and
// would log an error for "C" while its lang package initialises.
//
// It works in init, before Fyne's lang package reads the environment: Go
// initialises ready packages in import-path order, and "comunidad/..." sorts
// before "fyne.io/...". Import it for its side effect, blank, from anything
// that imports Fyne's lang.
package locale

import (
	"os"
	"runtime"
	"strings"
)

func init() { Apply() }

// Apply sets LANGUAGE=es_CL when the environment names no language. Windows
// and macOS report the user's language through their own APIs.
func Apply() {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || os.Getenv("LANGUAGE") != "" {
		return
	}
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			loc = v
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	if base == "" || base == "C" || base == "POSIX" {
		os.Setenv("LANGUAGE", "es_CL")
		// go-locale reads LC_ALL before LANGUAGE's fallbacks; a "C" there
		// would still be parsed (and logged) by Fyne.
		if os.Getenv("LC_ALL") == "C" || os.Getenv("LC_ALL") == "POSIX" {
			os.Unsetenv("LC_ALL")
		}
		if os.Getenv("LC_MESSAGES") == "C" || os.Getenv("LC_MESSAGES") == "POSIX" {
			os.Unsetenv("LC_MESSAGES")
		}
		if base != "" {
			os.Setenv("LANG", "es_CL.UTF-8")
		}
	}
}

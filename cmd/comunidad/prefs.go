package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"comunidad/app/atomicfile"
)

// Fyne writes the preferences file in place (it truncates it, then writes
// it; fyne-io/fyne#2936): a window killed at that moment leaves it empty or
// cut, and the next start loses every preference, among them the office
// database this computer works on, and opens this computer's file instead
// without a word. So before Fyne reads it, a file that reads as JSON is
// kept as the last good copy beside it, and a file that does not is
// replaced by that copy.

// preferencesFile is where Fyne keeps the application's preferences: its
// storage folder, the user's data folder (dataDir).
func preferencesFile() (string, error) {
	dir, err := dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "preferences.json"), nil
}

// goodCopy is the last good copy of the preferences file at path.
func goodCopy(path string) string { return path + ".bueno" }

// guardPreferences keeps or puts back the preferences file at path, and
// says on w what it put back. Nothing here stops the start: at worst Fyne
// starts from empty preferences, as it would have.
func guardPreferences(path string, w io.Writer) {
	cur, err := os.ReadFile(path)
	switch {
	case os.IsNotExist(err):
		return // a first start
	case err != nil:
		fmt.Fprintf(w, "comunidad: no se pudieron leer las preferencias %s: %v\n", path, err)
		return
	case validPreferences(cur):
		if old, err := os.ReadFile(goodCopy(path)); err != nil || !bytes.Equal(old, cur) {
			if err := atomicfile.WriteFile(goodCopy(path), cur); err != nil {
				fmt.Fprintf(w, "comunidad: no se pudo guardar una copia de las preferencias: %v\n", err)
			}
		}
		return
	}
	good, err := os.ReadFile(goodCopy(path))
	if err != nil || !validPreferences(good) {
		fmt.Fprintf(w, "comunidad: las preferencias de %s estaban dañadas y no hay una copia buena: se empieza sin ellas\n", path)
		return
	}
	if err := atomicfile.WriteFile(path, good); err != nil {
		fmt.Fprintf(w, "comunidad: las preferencias de %s estaban dañadas y no se pudo reponer su copia: %v\n", path, err)
		return
	}
	fmt.Fprintf(w, "comunidad: las preferencias de %s estaban dañadas (la ventana se cerró mientras las guardaba): se repuso su última copia buena\n", path)
}

// validPreferences says whether b is a preferences file Fyne reads: one
// JSON object.
func validPreferences(b []byte) bool {
	var m map[string]any
	return json.Unmarshal(b, &m) == nil && m != nil
}

package ui

import (
	"errors"

	"fyne.io/fyne/v2/lang"
)

// errRequired is a form field's message when it is empty or only spaces.
// A function, not a variable: the translation is looked up when it is shown.
func errRequired() error {
	return errors.New(lang.X("form.required", "Este campo es obligatorio"))
}

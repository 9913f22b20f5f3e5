package ui

import (
	"fyne.io/fyne/v2/lang"

	_ "comunidad/app/locale" // Spanish when the system names no language; must run before Fyne's lang
	"comunidad/assets"
)

// SetupLanguage registers the embedded translations. Call it once, before
// building any widget.
func SetupLanguage() error {
	return lang.AddTranslationsFS(assets.Translations, "translations")
}

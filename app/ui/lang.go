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

// Counted nouns, "1 unidad" / "240 unidades", for the messages that give
// numbers of things.
func usersText(n int) string {
	return plural(n, "units.count.user", "{{.N}} usuario", "units.count.users", "{{.N}} usuarios")
}

func unitsText(n int) string {
	return plural(n, "units.count.unit", "{{.N}} unidad", "units.count.units", "{{.N}} unidades")
}

func communitiesText(n int) string {
	return plural(n, "count.community", "{{.N}} comunidad", "count.communities", "{{.N}} comunidades")
}

func peopleText(n int) string {
	return plural(n, "count.person", "{{.N}} persona", "count.people", "{{.N}} personas")
}

func inmueblesText(n int) string {
	return plural(n, "count.inmueble", "{{.N}} inmueble", "count.inmuebles", "{{.N}} inmuebles")
}

// backupContents is what a backup holds: "1 comunidad, 240 unidades, 352 personas".
func backupContents(communities, units, people int) string {
	return communitiesText(communities) + ", " + unitsText(units) + ", " + peopleText(people)
}

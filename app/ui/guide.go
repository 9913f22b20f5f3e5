package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/assets"
)

// guideText is the user guide in the interface's language: the file is
// named in the translations, so it follows the same language choice as
// every label it mentions.
func guideText() string {
	name := lang.X("help.guide.file", "guia.es.md")
	b, err := assets.Help.ReadFile("help/" + name)
	if err != nil {
		b, _ = assets.Help.ReadFile("help/guia.es.md")
	}
	return string(b)
}

// showGuide is "Ayuda → Guía de uso": the guide in a scrolling dialog.
func (u *UI) showGuide() {
	text := widget.NewRichTextFromMarkdown(guideText())
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.X("help.guide.title", "Guía de uso"), lang.X("help.guide.close", "Cerrar"),
		container.NewVScroll(text), u.win)
	d.Resize(fyne.NewSize(760, 620))
	d.Show()
}

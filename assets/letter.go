package assets

import (
	"embed"
	"strings"
)

//go:embed letter/*.md
var letterFS embed.FS

// SuggestedLetter is a letter that ships with the application: the first
// line of its file is "# Title", the rest the Markdown body.
type SuggestedLetter struct {
	Name  string // how the template is called in the list
	Title string
	Body  string
}

// suggested names each shipped file; the first is the default welcome letter.
var suggested = []struct{ file, name string }{
	{"letter/bienvenida.md", "Bienvenida nuevo residente"},
	{"letter/cambio-administracion.md", "Cambio de administración"},
}

// SuggestedLetters returns the shipped letters, the welcome letter first.
func SuggestedLetters() []SuggestedLetter {
	out := make([]SuggestedLetter, 0, len(suggested))
	for _, s := range suggested {
		b, err := letterFS.ReadFile(s.file)
		if err != nil {
			panic(err) // embedded at build time
		}
		text := strings.ReplaceAll(string(b), "\r\n", "\n")
		first, body, _ := strings.Cut(text, "\n")
		out = append(out, SuggestedLetter{
			Name:  s.name,
			Title: strings.TrimSpace(strings.TrimPrefix(first, "#")),
			Body:  strings.TrimSpace(body) + "\n",
		})
	}
	return out
}

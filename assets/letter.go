package assets

import (
	"embed"
	"strings"
)

//go:embed letter/*.md letter/anteriores/*.md
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

// previous are the suggested letters of earlier versions, exactly as they
// shipped (communities keep a stored copy of them), each under the name of
// the letter that replaces it.
var previous = []struct{ file, name string }{
	{"letter/anteriores/bienvenida-1.md", "Bienvenida nuevo residente"},
	{"letter/anteriores/bienvenida-2.md", "Bienvenida nuevo residente"},
	{"letter/anteriores/bienvenida-3.md", "Bienvenida nuevo residente"},
	{"letter/anteriores/cambio-administracion-1.md", "Cambio de administración"},
}

// SuggestedLetters returns the shipped letters, the welcome letter first.
func SuggestedLetters() []SuggestedLetter { return readLetters(suggested) }

// PreviousSuggestedLetters returns the suggested letters of earlier
// versions, as a community stored them, named for the letter now suggested
// in their place.
func PreviousSuggestedLetters() []SuggestedLetter { return readLetters(previous) }

func readLetters(files []struct{ file, name string }) []SuggestedLetter {
	out := make([]SuggestedLetter, 0, len(files))
	for _, s := range files {
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

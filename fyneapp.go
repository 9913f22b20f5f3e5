// Package comunidad holds what the whole module shares from its root: the
// application's identity, read from FyneApp.toml so that the binary, the
// packaged bundles and the "Acerca de" dialog never disagree.
package comunidad

import (
	_ "embed"
	"strconv"
	"strings"
)

//go:embed FyneApp.toml
var fyneAppTOML string

// Meta is the application's identity as FyneApp.toml declares it.
type Meta struct {
	ID, Name, Version, Website string
	Build                      int
	Migrations                 map[string]bool
}

// AppMeta parses the embedded FyneApp.toml. The file is ours and tiny, so a
// line reader for its flat `key = value` tables does instead of a TOML library.
func AppMeta() Meta {
	m := Meta{Migrations: map[string]bool{}}
	section := ""
	for _, line := range strings.Split(fyneAppTOML, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.Trim(line, "[]")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`)
		switch section + "." + k {
		case ".Website":
			m.Website = v
		case "Details.ID":
			m.ID = v
		case "Details.Name":
			m.Name = v
		case "Details.Version":
			m.Version = v
		case "Details.Build":
			m.Build, _ = strconv.Atoi(v)
		}
		if section == "Migrations" {
			m.Migrations[k] = v == "true"
		}
	}
	return m
}

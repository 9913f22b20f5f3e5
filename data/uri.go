package data

import (
	"net/url"
	"path/filepath"
	"strings"
)

// fileURI is the SQLite URI of the database file at abs (an absolute path)
// with the query q ("mode=ro&_journal_mode=WAL"). SQLite wants an empty
// authority and the path escaped: file:///home/ana/x.db on Unix,
// file:///C:/Users/Jos%C3%A9/x.db on Windows (file://C:/... and file:C:/...
// are refused: "invalid uri authority: C:").
// Escaping keeps a '?', '#' or '%' in a folder name part of the path.
func fileURI(abs, q string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a drive letter: /C:/...
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q}
	return u.String()
}

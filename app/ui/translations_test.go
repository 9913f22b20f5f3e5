package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"comunidad/app/printers"
	"comunidad/assets"
)

// TestTranslationsComplete checks that every lang.X key used in this
// package is in both the Spanish and the English files, so no screen shows a
// raw key or falls back to Spanish under an English system.
func TestTranslationsComplete(t *testing.T) {
	keys := map[string]string{} // key -> file:line of a use
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "X" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				k, _ := strconv.Unquote(lit.Value)
				keys[k] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	if len(keys) == 0 {
		t.Fatal("found no lang.X calls: the scan is broken")
	}
	// The printer picker's sentences are decided in app/printers (printText
	// translates them), whose Spanish is the one tested on Windows: the
	// Spanish file says the same.
	spanish := map[string]string{}
	for _, m := range printers.Messages() {
		keys[m.Key] = "app/printers"
		spanish[m.Key] = m.Text
	}
	for _, l := range []string{"es", "en"} {
		have := map[string]bool{}
		matches, _ := fs.Glob(assets.Translations, "translations/*."+l+".json")
		for _, m := range matches {
			b, _ := fs.ReadFile(assets.Translations, m)
			var msgs map[string]string
			if err := json.Unmarshal(b, &msgs); err != nil {
				t.Fatalf("%s: %v", m, err)
			}
			for k, v := range msgs {
				if have[k] {
					t.Errorf("%s: key %q defined twice for %s", m, k, l)
				}
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: key %q is empty", m, k)
				}
				have[k] = true
				if want, ok := spanish[k]; ok && l == "es" && v != want {
					t.Errorf("%s: %q is %q, app/printers says %q", m, k, v, want)
				}
			}
		}
		for k, where := range keys {
			if !have[k] {
				t.Errorf("%s: key %q (used at %s) missing from translations/*.%s.json", l, k, where, l)
			}
		}
	}
}

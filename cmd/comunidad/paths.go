package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"comunidad"
	"comunidad/app/officedb"
)

// dataDir is Fyne's storage root for this application, computed the way
// Fyne computes it, so the window and the headless subcommands use the same
// database without starting a Fyne app.
func dataDir() (string, error) {
	var root string
	switch runtime.GOOS {
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		cfg, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(cfg, "fyne")
	}
	return filepath.Join(root, comunidad.AppMeta().ID), nil
}

// databasePath is --db, or the demo database with --demo, or the user's.
func (e *env) databasePath() (string, error) {
	if e.dbPath != "" && e.demo {
		return "", errors.New("use --db o --demo, no ambos")
	}
	if e.dbPath != "" {
		return e.dbPath, nil
	}
	dir, err := dataDir()
	if err != nil {
		return "", errorf("no se encontró la carpeta de datos del usuario: %v", err)
	}
	if e.demo {
		return filepath.Join(dir, "demo.db"), nil
	}
	return filepath.Join(dir, "comunidad.db"), nil
}

// office reports whether the database is the office's PostgreSQL (--db or
// COMUNIDAD_DB postgres://...) rather than a file on this computer.
func (e *env) office() bool { return !e.demo && officedb.IsURL(e.dbPath) }

func defaultDBPathForHelp() string {
	dir, err := dataDir()
	if err != nil {
		return "comunidad.db"
	}
	return filepath.Join(dir, "comunidad.db")
}

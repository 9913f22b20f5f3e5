package data

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// englishParts are the operating system's and SQLite's English wordings
// that reach messages through wrapped errors, and what a user reads
// instead. Longer phrases come first: they are replaced before their parts.
var englishParts = []struct{ en, es string }{
	{"database or disk is full", "disco lleno"},
	{"no space left on device", "disco lleno"},
	{"disk quota exceeded", "disco lleno (cuota agotada)"},
	{"file too large", "archivo demasiado grande para el disco"},
	{"attempt to write a readonly database", "la base de datos es de solo lectura"},
	{"readonly database", "base de datos de solo lectura"},
	{"read-only file system", "disco de solo lectura"},
	{"database disk image is malformed", "base de datos dañada"},
	{"file is not a database", "no es una base de datos (dañada)"},
	{"file is encrypted or is not a database", "no es una base de datos (dañada)"},
	{"disk I/O error", "error de lectura o escritura del disco"},
	{"input/output error", "error de lectura o escritura del disco"},
	{"database is locked", "la base de datos está ocupada por otro programa"},
	{"unable to open database file", "no se pudo abrir el archivo de la base de datos"},
	{"permission denied", "permiso denegado"},
	{"operation not permitted", "operación no permitida"},
	{"no such file or directory", "no existe el archivo o la carpeta"},
	{"is a directory", "es una carpeta"},
	{"not a directory", "no es una carpeta"},
	{"file exists", "el archivo ya existe"},
	{"too many open files", "demasiados archivos abiertos"},
	{"context deadline exceeded", "se agotó el tiempo de espera"},
	{"context canceled", "cancelado"},
	{"interrupted", "interrumpido"},
}

// UserMessage is err's message for the user: context.Canceled is
// "cancelado", and the English of the operating system and of SQLite
// underneath a Spanish message ("disk full", "readonly database",
// "database disk image is malformed") is said in Spanish.
func UserMessage(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "cancelado"
	}
	msg := err.Error()
	for _, p := range englishParts {
		if strings.Contains(msg, p.en) {
			msg = strings.ReplaceAll(msg, p.en, p.es)
		}
	}
	// Errors that carry no words of their own (an errno formatted
	// elsewhere) still name their kind.
	switch {
	case errors.Is(err, syscall.ENOSPC) && !strings.Contains(msg, "disco lleno"):
		msg += " (disco lleno)"
	case errors.Is(err, syscall.EROFS) && !strings.Contains(msg, "solo lectura"):
		msg += " (disco de solo lectura)"
	case errors.Is(err, fs.ErrPermission) && !strings.Contains(msg, "permiso"):
		msg += " (permiso denegado)"
	}
	return msg
}

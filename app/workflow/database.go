package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"comunidad/data"
)

// ErrNotCopyable is a copy asked of a store that is not one of data's (a
// test's stand-in): only a database can be copied.
var ErrNotCopyable = errors.New("esta base de datos no se puede copiar")

// ErrExists is an export to a file that is already there: the export never
// writes over another file.
type ErrExists struct{ Path string }

func (e ErrExists) Error() string {
	return fmt.Sprintf("%s ya existe: elija un nombre nuevo (la copia no escribe sobre otro archivo)", e.Path)
}

func asDataStore(st any) (*data.Store, error) {
	ds, ok := st.(*data.Store)
	if !ok {
		return nil, ErrNotCopyable
	}
	return ds, nil
}

// CopyTo moves an office in: every community of the service's database,
// with its history, outbox and settings, into dst, an empty database (the
// office's PostgreSQL), in one transaction counted again before it commits
// (data.Copy). A dst that already holds communities is data.ErrNotEmpty.
func (s *Service) CopyTo(ctx context.Context, dst Store, progress func(table string)) (data.CopyReport, error) {
	src, err := asDataStore(s.Store)
	if err != nil {
		return data.CopyReport{}, err
	}
	to, err := asDataStore(dst)
	if err != nil {
		return data.CopyReport{}, err
	}
	return data.Copy(ctx, src, to, nil, progress)
}

// ExportFile is «Exportar a archivo»: a SQLite copy of the communities ids
// of the service's database (all when empty), from either engine, that the
// app opens like its own file. out must not exist; the copy is written
// beside it under another name and renamed when whole, so out is either the
// whole copy or absent.
func (s *Service) ExportFile(ctx context.Context, out string, ids []int64, progress func(table string)) (data.CopyReport, error) {
	src, err := asDataStore(s.Store)
	if err != nil {
		return data.CopyReport{}, err
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return data.CopyReport{}, err
	}
	if _, err := os.Lstat(out); err == nil {
		return data.CopyReport{}, ErrExists{out}
	}
	tmp := out + ".exportando"
	removeDB(tmp)
	dst, err := data.Open(ctx, tmp)
	if err != nil {
		removeDB(tmp)
		return data.CopyReport{}, err
	}
	rep, err := data.Copy(ctx, src, dst, ids, progress)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if _, serr := os.Lstat(out); serr == nil {
			err = ErrExists{out} // made meanwhile
		} else {
			err = os.Rename(tmp, out)
		}
	}
	if err != nil {
		removeDB(tmp)
		return data.CopyReport{}, err
	}
	return rep, nil
}

// removeDB removes a SQLite file with its journal files.
func removeDB(path string) {
	for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		os.Remove(f)
	}
}

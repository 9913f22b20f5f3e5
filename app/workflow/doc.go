// Package workflow holds the operations a person starts from the window or
// from the command line, each owning its whole sequence and its rules, so
// that the two never assemble them on their own:
//
//   - import a Kastor export (import.go): the saved URL token, the read, the
//     new community's name still free, a confirmation hook, the backup
//     first, then the sync in one transaction;
//   - generate the portal users and their Excel file (users.go);
//   - render the welcome letters to PDF (letters.go);
//   - plan, queue and send letters, new-user notices and retries (send.go):
//     the one place that builds the sender and sets its TLS settings;
//   - make, list and restore backups (backup.go);
//   - read and set the settings «comunidad config» reaches (config.go);
//   - keep the SMTP password, the Kastor token and a source URL's secret
//     parts (secrets.go): in the user's credential store, under the
//     database's installation id, the keys of older versions moved once.
//
// It reaches the database through Store (service.go): the interfaces the
// packages it runs declare, and a few calls of its own. What only a
// database file can do, backups of itself and a credential store beside it,
// is asked through the optional Backuper and Located, so another engine can
// stand behind the same workflows.
//
// The window adds progress, confirmation and display; a command adds flags
// and printing. The package imports no Fyne and writes nothing for a person
// to read on its own: its failures are typed errors (errors.go) that app/ui
// turns into the user's language and cmd prints.
package workflow

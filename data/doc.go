// Package data is Comunidad's SQLite repository: the domain types (communities,
// units, people, memberships, secondary emails, portal accounts, settings,
// letter templates, the outbox and the sync history), the embedded and
// versioned schema migrations, and the queries and transactions the rest of
// the application runs against one database file.
//
// The rules are plain functions over domain types, tested without a
// database: data loads the facts and writes what they decide. The sync plan
// is kastor.Plan (data supplies SyncState and writes a SyncPlan with
// Store.Sync); who gets a portal account is PlanAccountsFrom; whether a user
// may be added to a unit is CheckAddLocalUser (and EmailTakenError).
//
// The packages above see a transaction as a function (Store.InTx with a
// Tx), never *sql.Tx, and each declares the interface of the Store methods
// it uses; the installation's identity is InstallationID, not the file's
// path.
//
// The store keeps one writer connection (SQLite allows one writer at a time,
// so queuing writes in database/sql is cheaper than SQLITE_BUSY retries) and
// a small pool of query-only readers; the file is in WAL mode so readers never
// wait for the writer.
package data

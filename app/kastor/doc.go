// Package kastor reads what Kastor software exports about a community (its
// users report, one row per inmueble, or its community set-up sheet, one row
// per person) from an .xlsx or .csv file or from an http(s) URL that serves
// one, and turns it into a data.Snapshot: the units, the people and who is
// the main account of each unit, plus the problems found row by row.
//
// Applying a snapshot (the sync itself: one transaction, Kastor rows
// replaced, local rows kept, missing rows archived) is decided by Plan, a pure
// function of the snapshot and the community's current state, and written by
// data.Store.Sync in one transaction. Apply plans and writes at once;
// Preview computes the plan without writing, to be shown, and ApplyPlan
// writes that plan as it was shown. Import reads and applies. docs/kastor.md describes the accepted formats.
package kastor

// Package userfile writes the bulk users Excel file that "Generar usuarios"
// gives the administrator: every user of every chosen unit, ready for the
// residents' portal's bulk load and for the office's records.
//
// The workbook has three sheets: "Usuarios" (one row per user and unit),
// "Observaciones" (who was left without an account, and why; units with no
// users) and "Resumen" (the counts). Rows are streamed with excelize's
// StreamWriter, so 30,000 users take about a second and little memory.
//
// Every cell a user's data fills is a text cell with the "@" (Texto) number
// format: a RUT, a phone with a leading zero or a name that starts with "="
// stays exactly as written, and editing the cell later does not turn it into
// a number or a formula. Dates are real Excel dates.
//
// Generate and GenerateFile create the missing portal accounts and write the
// file in one database transaction (Store.InTx), so a file that cannot be
// written leaves no account behind. app/workflow runs them for the window
// and the command line.
package userfile

// Package mailer sends the community's email through the office's SMTP
// account: the welcome letters and the notice a user created in Comunidad
// receives.
//
// It owns the SMTP settings (data settings of each community under the
// "smtp." keys; the password in app/secret under "smtp.password:<community
// id>", never in the database), building each message with go-mail (an HTML
// body with every value escaped, a plain-text alternative, the letter's PDF
// when chosen, Date, Message-ID, UTF-8 subjects), the suggested new-user
// email, and the outbox processor.
//
// # Never twice
//
// Every message is recorded in the outbox before it is sent (data.QueueOutbox,
// idempotent through its dedupe key). The processor holds a per-community
// lock, claims a few rows at a time (pending -> sending), runs the SMTP
// transaction on one reused connection and, before writing the final "." of
// DATA — the moment the server may accept the message — has marked the row
// committed (the mark is written while the server is asked to take the
// message, and the "." waits for it; the same write records the message
// before it as sent, so a message costs one write). A crash leaves the row
// in 'sending'; the next sender to take the
// lock puts it back to pending when it was not committed (the server never
// got the end of the message, so it cannot have delivered it) and marks it
// failed with data.OutboxInterrupted when it was (the server may have it:
// we prefer asking the administrator to check over sending it twice). The
// same rule applies when the connection drops after the final "." and before
// the server's answer. Such a message is "uncertain" (data.OutboxMessage.
// Uncertain): a retry of the failures leaves it alone, and queuing the same
// letter again does not arm it; only data.Store.RetryUncertainOutbox, on the
// administrator's request for that recipient, sends it again. Any refusal
// (also at the end of DATA) is followed by RSET, so the reused connection is
// clean for the next message. A cancel stops between two messages, never in the
// middle of a transaction, and marks the remaining ones cancelled; sending
// again (or "Reintentar") arms them again.
package mailer

-- Outbox delivery bookkeeping (version 5).
--
-- committed_at is set just before the final "." of the SMTP DATA is written:
-- once it is set the server may have accepted the message, so a row found in
-- 'sending' after a crash is only re-queued when committed_at is NULL, and is
-- otherwise marked failed for the administrator to check (never resent
-- automatically: a message goes out at most once).
ALTER TABLE outbox ADD COLUMN committed_at TEXT;

-- One sender at a time per community: the process that holds the row
-- refreshes heartbeat as it goes; a row older than a few minutes belongs to a
-- process that died and may be taken over (recovering its 'sending' rows).
CREATE TABLE outbox_lock (
    community_id INTEGER PRIMARY KEY REFERENCES communities(id) ON DELETE CASCADE,
    owner        TEXT NOT NULL,
    heartbeat    TEXT NOT NULL
);

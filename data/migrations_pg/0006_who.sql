-- Who did what (version 6, as SQLite's 0006): the operating system's user and the computer
-- («ana@PC-ADMIN2») that added a user to a unit or a secondary email, ran
-- an import, or sent a letter; '' on rows written before, and by Kastor.
ALTER TABLE memberships ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE secondary_emails ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_runs ADD COLUMN run_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';

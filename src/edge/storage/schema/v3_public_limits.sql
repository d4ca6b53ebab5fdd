-- Version 3: what running on a public URL needs. Retention counts every
-- stored byte of a capture and of its replays; namespaces match a decoded
-- path; a replay counts its /retry rounds; a bin signs stream tickets.
ALTER TABLE captures ADD COLUMN stored_bytes INTEGER;
ALTER TABLE captures ADD COLUMN ns_path TEXT;
ALTER TABLE replays ADD COLUMN rounds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE replays ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bin ADD COLUMN ticket_key TEXT;
CREATE INDEX IF NOT EXISTS replays_by_request ON replays (request_seq)

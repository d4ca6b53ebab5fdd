-- Version 5: signature verification and search.
-- Each capture records its signature check (NULL: the bin had no verifier).
ALTER TABLE captures ADD COLUMN verification TEXT;
-- A bin's verifiers, in order, with their secrets.
CREATE TABLE IF NOT EXISTS verifiers (
  idx INTEGER PRIMARY KEY,
  verifier TEXT NOT NULL
);
-- received_at_ms never decreases with seq (both are taken in one
-- synchronous step), so this index turns since/until into a seq window.
CREATE INDEX IF NOT EXISTS captures_received_at ON captures (received_at_ms)

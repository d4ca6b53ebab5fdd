-- The bin's own record: one row.
CREATE TABLE IF NOT EXISTS bin (
  id TEXT PRIMARY KEY,
  token_digest TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  capture_count INTEGER NOT NULL,
  body_bytes INTEGER NOT NULL,
  read_token_digest TEXT
)

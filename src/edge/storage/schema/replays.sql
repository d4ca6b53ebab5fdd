-- One row per replay order, with its retry state.
CREATE TABLE IF NOT EXISTS replays (
  n INTEGER PRIMARY KEY,
  request_seq INTEGER NOT NULL,
  target_url TEXT NOT NULL,
  max_retries INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  round_start INTEGER NOT NULL,
  last_error TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  next_at_ms INTEGER,
  lease_until_ms INTEGER
);
CREATE INDEX IF NOT EXISTS replays_by_status ON replays (status, n)

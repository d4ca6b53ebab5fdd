-- Every attempt of every replay.
CREATE TABLE IF NOT EXISTS replay_attempts (
  replay_n INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  PRIMARY KEY (replay_n, attempt)
)

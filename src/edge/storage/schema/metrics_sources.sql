-- The last batch applied from each source, and its open stream count.
CREATE TABLE IF NOT EXISTS sources (
  source TEXT PRIMARY KEY,
  epoch TEXT NOT NULL,
  seq INTEGER NOT NULL,
  clients INTEGER NOT NULL,
  seen_ms INTEGER NOT NULL
)

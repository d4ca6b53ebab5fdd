-- The aggregator's running totals, one row per series.
CREATE TABLE IF NOT EXISTS totals (
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (name, label)
)

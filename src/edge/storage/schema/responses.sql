-- A bin's response rules, in order, with how often each has answered.
CREATE TABLE IF NOT EXISTS responses (
  idx INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0
)

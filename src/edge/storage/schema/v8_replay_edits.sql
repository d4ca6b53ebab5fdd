-- Version 8: edited replays. What an order changed (JSON; NULL: a plain
-- replay), and its new body, kept apart so listing replays never reads it.
ALTER TABLE replays ADD COLUMN edit TEXT;
CREATE TABLE IF NOT EXISTS replay_bodies (
  n INTEGER PRIMARY KEY,
  body BLOB NOT NULL
)

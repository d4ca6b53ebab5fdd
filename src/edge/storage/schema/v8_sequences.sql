-- Version 8 too: replay studio sequences, each one row of JSON state,
-- and their steps in order (the capture and its offset from the start).
CREATE TABLE IF NOT EXISTS sequences (
  n INTEGER PRIMARY KEY,
  state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sequence_steps (
  sequence_n INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  request_seq INTEGER NOT NULL,
  offset_ms INTEGER NOT NULL,
  PRIMARY KEY (sequence_n, idx)
)

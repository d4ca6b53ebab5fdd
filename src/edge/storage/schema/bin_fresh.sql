-- A new bin's whole schema, as the nine steps in migrations.rs leave it.
-- New storage runs this file instead of the steps: one script, no ALTERs.
-- A column or index added here must be added as a step too, and
-- tests/schema.test.mjs checks that both build the same schema.

-- The bin's own record (one row).
CREATE TABLE bin (
  id TEXT PRIMARY KEY,
  token_digest TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  capture_count INTEGER NOT NULL,
  body_bytes INTEGER NOT NULL,
  read_token_digest TEXT,
  ticket_key TEXT,
  metrics_shard INTEGER
);

-- Captured requests; their bodies live in `bodies`.
CREATE TABLE captures (
  seq INTEGER PRIMARY KEY,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT NOT NULL,
  headers TEXT NOT NULL,
  set_cookies TEXT NOT NULL,
  content_type TEXT,
  client_ip TEXT,
  body_size INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  stored_bytes INTEGER,
  ns_path TEXT,
  answer TEXT,
  verification TEXT,
  reply TEXT
);
CREATE INDEX captures_received_at ON captures (received_at_ms);

CREATE TABLE bodies (
  seq INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);

-- Replays, their attempts and their edited bodies.
CREATE TABLE replays (
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
  lease_until_ms INTEGER,
  rounds INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  edit TEXT
);
CREATE INDEX replays_by_status ON replays (status, n);
CREATE INDEX replays_by_request ON replays (request_seq);

CREATE TABLE replay_attempts (
  replay_n INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  PRIMARY KEY (replay_n, attempt)
);

CREATE TABLE replay_bodies (
  n INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);

-- The owner's response rules and signature verifiers.
CREATE TABLE responses (
  idx INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE verifiers (
  idx INTEGER PRIMARY KEY,
  verifier TEXT NOT NULL
);

-- Scheduled sequences of replays.
CREATE TABLE sequences (
  n INTEGER PRIMARY KEY,
  state TEXT NOT NULL
);

CREATE TABLE sequence_steps (
  sequence_n INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  request_seq INTEGER NOT NULL,
  offset_ms INTEGER NOT NULL,
  PRIMARY KEY (sequence_n, idx)
);

-- Ingest's one statement: an insert into this view writes both tables.
CREATE VIEW capture_in AS
  SELECT c.seq, c.method, c.path, c.query, c.headers, c.set_cookies, c.content_type, c.client_ip,
    c.body_size, c.received_at_ms, c.answer, c.verification, c.reply, c.stored_bytes, c.ns_path, b.body
  FROM captures c JOIN bodies b ON b.seq = c.seq;
CREATE TRIGGER capture_in_insert INSTEAD OF INSERT ON capture_in
BEGIN
  INSERT INTO captures (seq, method, path, query, headers, set_cookies, content_type, client_ip,
    body_size, received_at_ms, answer, verification, reply, stored_bytes, ns_path)
  VALUES (NEW.seq, NEW.method, NEW.path, NEW.query, NEW.headers, NEW.set_cookies, NEW.content_type,
    NEW.client_ip, NEW.body_size, NEW.received_at_ms, NEW.answer, NEW.verification, NEW.reply,
    NEW.stored_bytes, NEW.ns_path);
  INSERT INTO bodies (seq, body) VALUES (NEW.seq, NEW.body);
END;

-- One row per captured request, without its body.
CREATE TABLE IF NOT EXISTS captures (
  seq INTEGER PRIMARY KEY,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT NOT NULL,
  headers TEXT NOT NULL,
  set_cookies TEXT NOT NULL,
  content_type TEXT,
  client_ip TEXT,
  body_size INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL
)

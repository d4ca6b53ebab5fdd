-- One statement stores a capture and its body: an insert into this view
-- writes both tables through the trigger below, so ingest makes one call
-- into SQLite instead of two. Reads keep using the tables themselves.
CREATE VIEW IF NOT EXISTS capture_in AS
  SELECT c.seq, c.method, c.path, c.query, c.headers, c.set_cookies, c.content_type, c.client_ip,
    c.body_size, c.received_at_ms, c.answer, c.verification, c.reply, c.stored_bytes, c.ns_path, b.body
  FROM captures c JOIN bodies b ON b.seq = c.seq;
CREATE TRIGGER IF NOT EXISTS capture_in_insert INSTEAD OF INSERT ON capture_in
BEGIN
  INSERT INTO captures (seq, method, path, query, headers, set_cookies, content_type, client_ip,
    body_size, received_at_ms, answer, verification, reply, stored_bytes, ns_path)
  VALUES (NEW.seq, NEW.method, NEW.path, NEW.query, NEW.headers, NEW.set_cookies, NEW.content_type,
    NEW.client_ip, NEW.body_size, NEW.received_at_ms, NEW.answer, NEW.verification, NEW.reply,
    NEW.stored_bytes, NEW.ns_path);
  INSERT INTO bodies (seq, body) VALUES (NEW.seq, NEW.body);
END;

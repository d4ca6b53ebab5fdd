-- Open WebSockets per source: they outlive the instance that reported them.
ALTER TABLE sources ADD COLUMN sockets INTEGER NOT NULL DEFAULT 0

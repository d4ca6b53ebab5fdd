-- Version 7: each capture records its dealings with the bin's responder
-- (polyhook listen --reply): how long its sender waited, why it got the
-- fallback, and the app's answer (NULL: no responder was involved).
ALTER TABLE captures ADD COLUMN reply TEXT

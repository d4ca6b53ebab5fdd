-- Version 4: each capture records how the bin answered it, when a
-- response rule did (NULL: the default 202).
ALTER TABLE captures ADD COLUMN answer TEXT

-- The metrics shard the bin was created with: it reports there for life.
ALTER TABLE bin ADD COLUMN metrics_shard INTEGER

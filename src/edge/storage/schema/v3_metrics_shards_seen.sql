-- Shard 0 only: the most shards a scrape ever read, so a lowered METRICS_SHARDS still reads them all.
CREATE TABLE IF NOT EXISTS shards_seen (n INTEGER NOT NULL)

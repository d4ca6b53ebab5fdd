//! A metrics shard: one of `METRICS_SHARDS` Durable Objects, each adding up
//! the batches of the sources that flush to it and answering its part of
//! `/metrics` (the Worker adds the parts up). Totals live in its SQLite
//! storage, so they survive restarts and never go backwards.

use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::metrics::batch::Batch;
use crate::core::metrics::delta::{Delta, Sample, METRICS_BATCHES, METRICS_FLUSH_SECONDS};
use crate::core::metrics::gauges::{gauge_fresh, sockets_kept, streams_kept, Live, FORGET_QUIET_MS, FORGET_SOCKETS_MS};
use crate::core::metrics::merge::ShardView;
use crate::edge::io::aggregator::SHARDS_HEADER;
use crate::edge::io::clock::now_signed_ms;
use crate::edge::io::respond::{error_response, to_response};
use crate::edge::io::settings;
use crate::edge::storage::migrations::{self, migrate};
use crate::edge::storage::sql::{int, rows, run};
use serde::Deserialize;
use std::cell::Cell;
use worker::{durable_object, DurableObject, Env, Method, Request, Response, State};
use worker::{SqlStorage, SqlStorageValue as V};

/// Least time between two sweeps of forgotten sources.
const SWEEP_EVERY_MS: i64 = 60_000;

/// Totals of every source, and who reported what.
// Only `fetch`: no alarm or sockets, so no exports (and code) for them.
#[durable_object(fetch)]
pub struct MetricsObject {
    state: State,
    /// How long a source's stream count stands without a fresh report, ms.
    gauge_ttl_ms: i64,
    last_sweep_ms: Cell<i64>,
    schema_ready: Cell<bool>,
}

#[derive(Deserialize)]
struct SourceRow {
    epoch: String,
    seq: u64,
    clients: u64,
    sockets: u64,
}

#[derive(Deserialize)]
struct TotalRow {
    name: String,
    label: String,
    value: f64,
}

#[derive(Deserialize)]
struct GaugeRow {
    clients: u64,
    sockets: u64,
    seen_ms: i64,
}

impl DurableObject for MetricsObject {
    fn new(state: State, env: Env) -> Self {
        let keepalive_s = settings::cached(&env).unwrap_or_default().sse_keepalive_s as i64;
        // Sources with open streams report at every keep-alive.
        let gauge_ttl_ms = 2 * keepalive_s * 1000 + 10_000;
        MetricsObject { state, gauge_ttl_ms, last_sweep_ms: Cell::new(0), schema_ready: Cell::new(false) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match req.method() {
            Method::Post => match req.json::<Batch>().await {
                Ok(batch) => self.apply(&batch).map(|()| Reply::empty(204)),
                Err(e) => Err(ApiError::bad_request(format!("metrics batch: {e}"))),
            },
            _ => {
                let configured = req.headers().get(SHARDS_HEADER).ok().flatten().and_then(|n| n.parse().ok());
                self.view(configured)
            }
        };
        match result {
            Ok(reply) => to_response(reply),
            Err(err) => error_response(&err),
        }
    }
}

/// Adds each `[name, label, value]` of a JSON array to its total.
const UPSERT_ALL: &str = "INSERT INTO totals (name, label, value) \
    SELECT s.value ->> 0, s.value ->> 1, s.value ->> 2 FROM json_each(?) AS s WHERE true \
    ON CONFLICT (name, label) DO UPDATE SET value = totals.value + excluded.value";

impl MetricsObject {
    fn sql(&self) -> Result<SqlStorage, ApiError> {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            migrate(&sql, &migrations::METRICS)?;
            self.schema_ready.set(true);
        }
        Ok(sql)
    }

    /// Adds `batch` unless it was applied before; all in one atomic step.
    fn apply(&self, batch: &Batch) -> Result<(), ApiError> {
        let sql = self.sql()?;
        let now = now_signed_ms();
        let last: Option<SourceRow> = rows(
            &sql,
            "SELECT epoch, seq, clients, sockets FROM sources WHERE source = ?",
            vec![batch.source.clone().into()],
        )?
        .pop();
        if !batch.is_new(last.as_ref().map(|l| (l.epoch.as_str(), l.seq))) {
            return Ok(());
        }
        let mut delta = Delta::from_samples(batch.samples.clone());
        delta.inc(METRICS_BATCHES);
        delta.add(METRICS_FLUSH_SECONDS, "", batch.flush_ms.unwrap_or(0) as f64 / 1000.0);
        // Every series in one statement: a batch carries a dozen, and the
        // shards apply one batch per active bin each second.
        let series: Vec<(String, String, f64)> =
            delta.samples().into_iter().map(|s| (s.name, s.label, s.value)).collect();
        let series = serde_json::to_string(&series).map_err(|e| ApiError::internal(format!("metrics batch: {e}")))?;
        run(&sql, UPSERT_ALL, vec![series.into()])?;
        let same_epoch = last.as_ref().is_some_and(|l| l.epoch == batch.epoch);
        let clients = streams_kept(batch.sse_clients, last.as_ref().map(|l| l.clients), same_epoch);
        let sockets = sockets_kept(batch.ws_clients, last.as_ref().map(|l| l.sockets));
        let save =
            "INSERT OR REPLACE INTO sources (source, epoch, seq, clients, sockets, seen_ms) VALUES (?, ?, ?, ?, ?, ?)";
        let args = vec![
            batch.source.clone().into(),
            batch.epoch.clone().into(),
            int(batch.seq),
            int(clients),
            int(sockets),
            V::Integer(now),
        ];
        run(&sql, save, args)?;
        self.sweep(&sql, now)
    }

    fn sweep(&self, sql: &SqlStorage, now: i64) -> Result<(), ApiError> {
        if now - self.last_sweep_ms.get() < SWEEP_EVERY_MS {
            return Ok(());
        }
        self.last_sweep_ms.set(now);
        let forget = "DELETE FROM sources WHERE (sockets = 0 AND seen_ms < ?) OR seen_ms < ?";
        run(sql, forget, vec![V::Integer(now - FORGET_QUIET_MS), V::Integer(now - FORGET_SOCKETS_MS)])
    }

    /// This shard's part of `/metrics`. The Worker tells shard 0 how many
    /// shards it reads (`configured`); shard 0 keeps the most ever.
    fn view(&self, configured: Option<u32>) -> Result<Reply, ApiError> {
        // A shard no source has used reads as empty, without creating storage
        // (a scrape reads every shard); shard 0 keeps its count of shards regardless.
        if configured.is_none() && !self.schema_ready.get() && !has_tables(&self.state.storage().sql())? {
            return Reply::json(200, &ShardView::default());
        }
        let sql = self.sql()?;
        let now = now_signed_ms();
        let totals: Vec<TotalRow> = rows(&sql, "SELECT name, label, value FROM totals", vec![])?;
        let samples = totals.into_iter().map(|r| Sample { name: r.name, label: r.label, value: r.value }).collect();
        let select = "SELECT clients, sockets, seen_ms FROM sources WHERE clients > 0 OR sockets > 0";
        let reporting: Vec<GaugeRow> = rows(&sql, select, vec![])?;
        let fresh = reporting.iter().filter(|g| gauge_fresh(g.seen_ms, now, self.gauge_ttl_ms));
        let live =
            Live { sse_clients: fresh.map(|g| g.clients).sum(), ws_clients: reporting.iter().map(|g| g.sockets).sum() };
        let highest_shards = match configured {
            Some(n) => self.highest_shards(&sql, n)?,
            None => 0,
        };
        Reply::json(200, &ShardView { samples, live, highest_shards })
    }

    /// The most shards ever read, `n` included.
    fn highest_shards(&self, sql: &SqlStorage, n: u32) -> Result<u32, ApiError> {
        #[derive(Deserialize)]
        struct Seen {
            n: u32,
        }
        let seen = rows::<Seen>(sql, "SELECT n FROM shards_seen", vec![])?.pop().map_or(0, |s| s.n);
        if n > seen {
            run(sql, "DELETE FROM shards_seen", vec![])?;
            run(sql, "INSERT INTO shards_seen (n) VALUES (?)", vec![int(u64::from(n))])?;
        }
        Ok(seen.max(n))
    }
}

/// True once a batch has created this shard's tables.
fn has_tables(sql: &SqlStorage) -> Result<bool, ApiError> {
    let found: Vec<serde_json::Value> =
        rows(sql, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'totals'", vec![])?;
    Ok(!found.is_empty())
}

//! The metrics aggregator: one Durable Object that adds up the batches
//! every source flushes and renders `/metrics`. Totals live in its SQLite
//! storage, so they survive restarts and never go backwards.

use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::metrics::batch::Batch;
use crate::core::metrics::delta::Delta;
use crate::core::metrics::exposition;
use crate::core::metrics::gauges::{gauge_fresh, sockets_kept, streams_kept, Live, FORGET_QUIET_MS, FORGET_SOCKETS_MS};
use crate::edge::io::respond::{error_response, to_response};
use crate::edge::io::settings;
use crate::edge::storage::migrations::{self, migrate};
use crate::edge::storage::sql::{int, rows, run};
use serde::Deserialize;
use std::cell::Cell;
use worker::{durable_object, Date, DurableObject, Env, Method, Request, Response, State};
use worker::{SqlStorage, SqlStorageValue as V};

/// Least time between two sweeps of forgotten sources.
const SWEEP_EVERY_MS: i64 = 60_000;

/// Totals of every source, and who reported what.
#[durable_object]
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
        let keepalive_s = settings::config(&env).unwrap_or_default().sse_keepalive_s as i64;
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
            _ => self.exposition(),
        };
        match result {
            Ok(reply) => to_response(reply),
            Err(err) => error_response(&err),
        }
    }
}

impl MetricsObject {
    fn sql(&self) -> Result<SqlStorage, ApiError> {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            migrate(&sql, migrations::METRICS)?;
            self.schema_ready.set(true);
        }
        Ok(sql)
    }

    /// Adds `batch` unless it was applied before; all in one atomic step.
    fn apply(&self, batch: &Batch) -> Result<(), ApiError> {
        let sql = self.sql()?;
        let now = Date::now().as_millis() as i64;
        let last: Option<SourceRow> = rows(
            &sql,
            "SELECT epoch, seq, clients, sockets FROM sources WHERE source = ?",
            vec![batch.source.clone().into()],
        )?
        .pop();
        if !batch.is_new(last.as_ref().map(|l| (l.epoch.as_str(), l.seq))) {
            return Ok(());
        }
        for s in Delta::from_samples(batch.samples.clone()).samples() {
            let upsert = "INSERT INTO totals (name, label, value) VALUES (?, ?, ?) ON CONFLICT (name, label) DO UPDATE SET value = value + excluded.value";
            run(&sql, upsert, vec![s.name.into(), s.label.into(), V::Float(s.value)])?;
        }
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

    fn exposition(&self) -> Result<Reply, ApiError> {
        let sql = self.sql()?;
        let now = Date::now().as_millis() as i64;
        let mut totals = Delta::default();
        for row in rows::<TotalRow>(&sql, "SELECT name, label, value FROM totals", vec![])? {
            totals.add(&row.name, &row.label, row.value);
        }
        let select = "SELECT clients, sockets, seen_ms FROM sources WHERE clients > 0 OR sockets > 0";
        let reporting: Vec<GaugeRow> = rows(&sql, select, vec![])?;
        let fresh = reporting.iter().filter(|g| gauge_fresh(g.seen_ms, now, self.gauge_ttl_ms));
        let live =
            Live { sse_clients: fresh.map(|g| g.clients).sum(), ws_clients: reporting.iter().map(|g| g.sockets).sum() };
        Ok(Reply::bytes(200, exposition::render(&totals, live).into_bytes()))
    }
}

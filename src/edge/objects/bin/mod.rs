//! The Durable Object that is one bin: it owns the bin's captures and
//! replays in its SQLite storage, its live subscribers, its ingest buckets,
//! and the one alarm that ends its life and runs its replays. Each file
//! here is glue for one job; every decision is the core's.

mod answering;
mod answers;
mod class;
mod export;
mod ingest;
mod lifecycle;
mod owner_settings;
mod reads;
mod replay_request;
mod replays;
mod reply_wait;
mod responder;
mod routes;
mod runs;
mod search;
mod sequence_steps;
mod sequences;
mod socket_feed;
mod socket_io;
mod sockets;
mod storage;
mod stream;
mod subscribers;
mod ticket;
mod verify;
mod waits;

use crate::core::answer::rule::Rule;
use crate::core::bin::meta::BinMeta;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::limits::bucket::Limiter;
use crate::core::metrics::delta::OBJECT_STARTS;
use crate::core::stream::catchup::CatchupPool;
use crate::core::stream::hub::Hub;
use crate::core::stream::socket::Close;
use crate::core::verify::verifier::Verifier;
use crate::edge::io::clock::now_signed_ms as now_ms;
use crate::edge::io::export_set::ExportSet;
use crate::edge::io::metrics_sink::Sink;
use crate::edge::io::settings;
use crate::edge::io::sse_writer::SseOutlet;
use crate::edge::storage::bin::BinRecord;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use worker::wasm_bindgen::{self, prelude::wasm_bindgen};
use worker::{console_error, Env, State, WebSocket};

/// What the object knows of its bin.
#[derive(Debug, Clone)]
enum Known {
    /// Storage not read yet.
    Unread,
    /// No bin here (never created, deleted or expired).
    NoBin,
    /// The bin's record, kept in step with storage.
    Bin(BinMeta),
}

/// One bin. Exported to the runtime by hand (`class.rs`), not through
/// `#[durable_object]`, so its requests are never converted to
/// `worker::Request` (which reads `cf`) nor its answers to `worker::Response`.
#[wasm_bindgen]
pub struct BinObject {
    state: State,
    /// The Worker's bindings: sequence steps draw on the limiter objects.
    env: Env,
    config: Result<Config, ApiError>,
    known: RefCell<Known>,
    /// The live stream subscribers.
    hub: Rc<RefCell<Hub<SseOutlet>>>,
    /// Whether the keep-alive loop over `hub` runs.
    pinging: Rc<Cell<bool>>,
    /// Sockets whose seats are open (counted at start, then kept).
    open_sockets: Cell<u64>,
    /// Bytes the catching-up streams have reserved.
    catchups: Rc<RefCell<CatchupPool>>,
    /// Per-IP ingest buckets; in memory, so a restart forgives everyone.
    limiter: RefCell<Limiter>,
    /// This bin's metrics, flushed to the aggregator in the background.
    metrics: Sink,
    /// The response rules and their use counts, once read.
    rules: RefCell<Option<(Vec<Rule>, Vec<u64>)>>,
    /// Delayed answers in flight.
    delayed: Cell<u64>,
    /// The signature verifiers, once read.
    verifiers: RefCell<Option<Vec<Verifier>>>,
    /// Per-IP buckets for filtered lists, exports and re-checks.
    searches: Rc<RefCell<Limiter>>,
    /// Exports streaming now, per client.
    exports: Rc<RefCell<ExportSet>>,
    /// Requests waiting for a capture.
    waits: waits::WaitSet,
    /// Senders waiting for the responder's app, by capture.
    slots: reply_wait::Slots,
}

/// Client IPs with an ingest bucket before idle ones are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl BinObject {
    /// The object for `state`, as the runtime constructs it (see `class.rs`).
    fn create(state: State, env: Env) -> Self {
        let config = settings::cached(&env);
        let usable = config.clone().unwrap_or_default();
        let metrics = Sink::new(&env, state.id().to_string(), usable.metrics_shards, usable.metrics_flush_ms);
        // A bin that slept and woke runs this again: the count shows how often bins sleep.
        if let Some(k) = BinRecord::new(state.storage().sql()).metrics_shard() {
            metrics.pin_shard(k);
        }
        metrics.record(|d| d.add(OBJECT_STARTS, "bin", 1.0));
        // The sockets outlived any instance before; a deploy may have dropped some unseen.
        let open_sockets = socket_io::seats_open(&state.get_websockets());
        metrics.set_sockets(open_sockets);
        BinObject {
            limiter: RefCell::new(Limiter::new(usable.ingest_rate(), MAX_TRACKED_CLIENTS)),
            searches: Rc::new(RefCell::new(Limiter::new(usable.search_rate(), MAX_TRACKED_CLIENTS))),
            metrics,
            config,
            state,
            env,
            known: RefCell::new(Known::Unread),
            hub: Rc::default(),
            pinging: Rc::default(),
            open_sockets: Cell::new(open_sockets),
            catchups: Rc::default(),
            exports: Rc::default(),
            waits: Rc::default(),
            slots: Rc::default(),
            rules: RefCell::new(None),
            delayed: Cell::new(0),
            verifiers: RefCell::new(None),
        }
    }

    /// A socket's error: its subscriber is retired and told to come back.
    fn on_socket_error(&self, ws: &WebSocket, error: &str) {
        console_error!("socket: {}", error);
        match socket_io::seated(ws) {
            Some(mut seat) => self.retire(ws, &mut seat, Close::Retry, "retry_ms=2000"),
            None => socket_io::close_unseated(ws, Close::Retry, "retry_ms=2000"),
        }
    }
}

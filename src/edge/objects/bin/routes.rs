//! Which of the bin's jobs a request is for: credentials first, then one
//! call per route.

use super::sequences::Control;
use super::{now_ms, BinObject};
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::http::route::{self, BinRoute};
use crate::core::http::target;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::platform_url;
use crate::edge::io::respond::to_runtime;
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use std::future::Future;
use worker::worker_sys::web_sys;

/// One route's work, boxed behind `dyn`: each route's state machine is then
/// a wasm function of its own, compiled when the route is first used.
/// Inlined, they made one function of over 100 KB, which the isolate's
/// first request into any bin compiled whole, whatever its route.
type Job<'a> = LocalBoxFuture<'a, Result<web_sys::Response, ApiError>>;

/// A route answered with a [`Reply`].
fn reply<'a>(work: impl Future<Output = Result<Reply, ApiError>> + 'a) -> Job<'a> {
    async move { to_runtime(work.await?) }.boxed_local()
}

impl BinObject {
    pub(super) async fn handle(&self, req: Incoming) -> Result<web_sys::Response, ApiError> {
        let raw_url = req.inner().url();
        let target = target::split(&raw_url);
        if target.path == crate::core::bin::init::INIT_PATH {
            return self.init(req).boxed_local().await;
        }
        if target.path == crate::core::wait::LEAVE_PATH {
            if let Some(key) = req.headers().get(crate::core::wait::KEY_HEADER).ok().flatten() {
                self.leave_wait(&key);
            }
            return to_runtime(Reply::empty(204));
        }
        let method = req.inner().method();
        let (bin, route) = route::resolve_bin(&method, target.path)?;
        let now = now_ms();
        let meta = self.live_meta(now).await?;
        let query = target.query;
        if route.reads_bin() {
            self.authorize_read(&req, &meta, &route, query, now)?;
        }
        // Only replays, sequences and exports need the whole URL parsed.
        let url = || platform_url::request_url(&raw_url);
        let work: Job<'_> = match route {
            BinRoute::Stream => async move { Ok(self.stream(&req, bin, query).await?.into()) }.boxed_local(),
            BinRoute::Socket => {
                async move { Ok(self.open_socket(&req, &meta, query, now).await?.into()) }.boxed_local()
            }
            BinRoute::StreamTicket => reply(async move { self.issue_ticket(&meta, now) }),
            BinRoute::Responses | BinRoute::Verify => {
                reply(async move { self.setting(req, &meta, &route, query, now).await })
            }
            BinRoute::Ingest { sub_path } => reply(self.ingest(req, method.clone(), sub_path, query, now)),
            BinRoute::ListRequests => reply(async move { self.list(&req, &bin, query, now) }),
            BinRoute::Wait => reply(async move { self.await_capture(&req, &meta, query, now).await }),
            BinRoute::Export => async move { Ok(self.export(&req, &url()?, &bin, query, now)?.into()) }.boxed_local(),
            BinRoute::GetRequest { rid } => reply(async move { self.detail(&bin, &rid) }),
            BinRoute::Reverify { rid } => reply(async move { self.reverify(&req, &meta, &rid, now) }),
            BinRoute::GetRaw { rid } => reply(async move { self.raw(&bin, &rid) }),
            BinRoute::Delete => reply(async move { self.delete(&req, &meta).await }),
            BinRoute::StartReplay { rid } => reply(async move { self.start_replay(req, &url()?, &bin, &rid).await }),
            BinRoute::ListReplays => reply(async move { self.list_replays(&bin, query) }),
            BinRoute::GetReplay { n } => reply(async move { self.get_replay(&bin, n) }),
            BinRoute::RetryReplay { n } => reply(async move { self.retry_replay(&req, &bin, n).await }),
            BinRoute::StartSequence => reply(async move { self.start_sequence(req, &url()?, &meta).await }),
            BinRoute::Sequence { n } if method == "DELETE" => {
                reply(async move { self.control_sequence(&req, &meta, n, Control::Cancel).await })
            }
            BinRoute::Sequence { n } => reply(async move { self.get_sequence(&bin, n) }),
            BinRoute::SequenceControl { n, resume } => {
                let action = if resume { Control::Resume } else { Control::Pause };
                reply(async move { self.control_sequence(&req, &meta, n, action).await })
            }
        };
        work.await
    }
}

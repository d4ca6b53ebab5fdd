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
use worker::worker_sys::web_sys;

impl BinObject {
    pub(super) async fn handle(&self, req: Incoming) -> Result<web_sys::Response, ApiError> {
        let raw_url = req.inner().url();
        let target = target::split(&raw_url);
        if target.path == crate::core::bin::init::INIT_PATH {
            return self.init(req).await;
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
        let reply = match route {
            BinRoute::Stream => return self.stream(&req, bin, query).await.map(Into::into),
            BinRoute::Socket => return self.open_socket(&req, &meta, query, now).await.map(Into::into),
            BinRoute::StreamTicket => self.issue_ticket(&meta, now)?,
            BinRoute::Responses | BinRoute::Verify => self.setting(req, &meta, &route, query, now).await?,
            BinRoute::Ingest { sub_path } => self.ingest(req, sub_path, query, now).await?,
            BinRoute::ListRequests => self.list(&req, &bin, query, now)?,
            BinRoute::Wait => self.await_capture(&req, &meta, query, now).await?,
            BinRoute::Export => return self.export(&req, &url()?, &bin, query, now).map(Into::into),
            BinRoute::GetRequest { rid } => self.detail(&bin, &rid)?,
            BinRoute::Reverify { rid } => self.reverify(&req, &meta, &rid, now)?,
            BinRoute::GetRaw { rid } => self.raw(&bin, &rid)?,
            BinRoute::Delete => self.delete(&req, &meta).await?,
            BinRoute::StartReplay { rid } => self.start_replay(req, &url()?, &bin, &rid).await?,
            BinRoute::ListReplays => self.list_replays(&bin, query)?,
            BinRoute::GetReplay { n } => self.get_replay(&bin, n)?,
            BinRoute::RetryReplay { n } => self.retry_replay(&req, &bin, n).await?,
            BinRoute::StartSequence => self.start_sequence(req, &url()?, &meta).await?,
            BinRoute::Sequence { n } if method == "DELETE" => {
                self.control_sequence(&req, &meta, n, Control::Cancel).await?
            }
            BinRoute::Sequence { n } => self.get_sequence(&bin, n)?,
            BinRoute::SequenceControl { n, resume } => {
                let action = if resume { Control::Resume } else { Control::Pause };
                self.control_sequence(&req, &meta, n, action).await?
            }
        };
        to_runtime(reply)
    }
}

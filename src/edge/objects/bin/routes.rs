//! Which of the bin's jobs a request is for: credentials first, then one
//! call per route.

use super::sequences::Control;
use super::{now_ms, BinObject};
use crate::core::http::error::ApiError;
use crate::core::http::route::{self, BinRoute};
use crate::edge::io::respond::{platform, to_response};
use worker::{Request, Response};

impl BinObject {
    pub(super) async fn handle(&self, req: Request) -> Result<Response, ApiError> {
        let url = req.url().map_err(platform("url"))?;
        if url.path() == crate::core::bin::init::INIT_PATH {
            return self.init(req).await;
        }
        if url.path() == crate::core::wait::LEAVE_PATH {
            if let Some(key) = req.headers().get(crate::core::wait::KEY_HEADER).ok().flatten() {
                self.leave_wait(&key);
            }
            return to_response(crate::core::http::reply::Reply::empty(204)).map_err(platform("response"));
        }
        let (bin, route) = route::resolve_bin(&req.inner().method(), url.path())?;
        let now = now_ms();
        let meta = self.live_meta(now).await?;
        let query = url.query().unwrap_or("");
        if route.reads_bin() {
            self.authorize_read(&req, &meta, &route, query, now)?;
        }
        let reply = match route {
            BinRoute::Stream => return self.stream(&req, bin, query).await,
            BinRoute::Socket => return self.open_socket(&req, &meta, query, now).await,
            BinRoute::StreamTicket => self.issue_ticket(&meta, now)?,
            BinRoute::Responses | BinRoute::Verify => self.setting(req, &meta, &route, query, now).await?,
            BinRoute::Ingest { sub_path } => self.ingest(req, sub_path, query, now).await?,
            BinRoute::ListRequests => self.list(&req, &bin, query, now)?,
            BinRoute::Wait => self.await_capture(&req, &meta, query, now).await?,
            BinRoute::Export => return self.export(&req, &url, &bin, query, now),
            BinRoute::GetRequest { rid } => self.detail(&bin, &rid)?,
            BinRoute::Reverify { rid } => self.reverify(&req, &meta, &rid, now)?,
            BinRoute::GetRaw { rid } => self.raw(&bin, &rid)?,
            BinRoute::Delete => self.delete(&req, &meta).await?,
            BinRoute::StartReplay { rid } => self.start_replay(req, &url, &bin, &rid).await?,
            BinRoute::ListReplays => self.list_replays(&bin, query)?,
            BinRoute::GetReplay { n } => self.get_replay(&bin, n)?,
            BinRoute::RetryReplay { n } => self.retry_replay(&req, &bin, n).await?,
            BinRoute::StartSequence => self.start_sequence(req, &url, &meta).await?,
            BinRoute::Sequence { n } if req.inner().method() == "DELETE" => {
                self.control_sequence(&req, &meta, n, Control::Cancel).await?
            }
            BinRoute::Sequence { n } => self.get_sequence(&bin, n)?,
            BinRoute::SequenceControl { n, resume } => {
                let action = if resume { Control::Resume } else { Control::Pause };
                self.control_sequence(&req, &meta, n, action).await?
            }
        };
        to_response(reply).map_err(platform("response"))
    }
}

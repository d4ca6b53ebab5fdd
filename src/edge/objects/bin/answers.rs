//! A bin's response rules: the API that sets, shows and clears them (the
//! owner's delete token to change, the read token of a private bin to
//! see), and the cached copy ingest chooses from.

use super::storage::cached;
use super::ticket::Access;
use super::{BinObject, Known};
use crate::core::answer::rule::{parse_rules, Rule};
use crate::core::bin::meta::BinMeta;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::http::route::BinRoute;
use crate::edge::io::body::read_limited;
use serde::Serialize;
use worker::Request;

/// Largest rules body read, in bytes: twenty rules of 64 KB bodies, in base64.
const RULES_MAX_BYTES: u64 = 2 * 1024 * 1024;

/// A rule as `GET` shows it, with its use count.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    rule: &'a Rule,
    uses: u64,
}

impl BinObject {
    /// Runs `f` on the rules and their use counts, loading them once.
    pub(super) fn with_rules<T>(&self, f: impl FnOnce(&mut (Vec<Rule>, Vec<u64>)) -> T) -> Result<T, ApiError> {
        cached(&self.rules, || self.answers().load(), f)
    }

    /// Counts one answer by rule `idx`, in storage and in the cache.
    pub(super) fn count_rule_use(&self, idx: usize) -> Result<(), ApiError> {
        self.answers().count_use(idx)?;
        self.with_rules(|(_, uses)| uses.get_mut(idx).map(|u| *u += 1)).map(|_| ())
    }

    /// `GET`, `PUT` and `DELETE /v1/bins/{id}/responses`.
    pub(super) async fn responses(
        &self,
        mut req: Request,
        meta: &BinMeta,
        query: &str,
        now: i64,
    ) -> Result<Reply, ApiError> {
        if self.authorize_setting(&req, meta, &BinRoute::Responses, query, now)? == Access::Read {
            return self.show_rules();
        }
        let rules = match req.inner().method().as_str() {
            "PUT" => {
                parse_rules(&read_limited(&mut req, RULES_MAX_BYTES).await?, &meta.id, self.config()?.rule_limits())?
            }
            _ => Vec::new(),
        };
        if !matches!(*self.known.borrow(), Known::Bin(_)) {
            return Err(ApiError::bin_not_found());
        }
        // A write that failed part way leaves storage unknown: read it again next time.
        *self.rules.borrow_mut() = None;
        self.answers().replace(&rules)?;
        let uses = vec![0; rules.len()];
        *self.rules.borrow_mut() = Some((rules, uses));
        self.show_rules()
    }

    fn show_rules(&self) -> Result<Reply, ApiError> {
        self.with_rules(|(rules, uses)| {
            let shown: Vec<Shown> = rules.iter().zip(uses.iter()).map(|(rule, &uses)| Shown { rule, uses }).collect();
            Reply::json(200, &serde_json::json!({ "rules": shown }))
        })?
    }
}

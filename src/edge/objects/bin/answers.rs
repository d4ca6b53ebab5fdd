//! A bin's response rules: replacing, showing and clearing them (behind
//! the settings route's credentials), and the cached copy ingest chooses from.

use super::storage::cached;
use super::BinObject;
use crate::core::answer::rule::{parse_rules, Rule};
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use serde::Serialize;

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

    /// Replaces the rules with those in `body` (`PUT`), or with none (`DELETE`).
    pub(super) fn replace_rules(&self, method: &str, body: &[u8], bin: &str) -> Result<(), ApiError> {
        let rules = match method {
            "PUT" => parse_rules(body, bin, self.config()?.rule_limits())?,
            _ => Vec::new(),
        };
        self.still_a_bin()?;
        // A write that failed part way leaves storage unknown: read it again next time.
        *self.rules.borrow_mut() = None;
        self.answers().replace(&rules)?;
        let uses = vec![0; rules.len()];
        *self.rules.borrow_mut() = Some((rules, uses));
        Ok(())
    }

    pub(super) fn show_rules(&self) -> Result<Reply, ApiError> {
        self.with_rules(|(rules, uses)| {
            let shown: Vec<Shown> = rules.iter().zip(uses.iter()).map(|(rule, &uses)| Shown { rule, uses }).collect();
            Reply::json(200, &serde_json::json!({ "rules": shown }))
        })?
    }
}

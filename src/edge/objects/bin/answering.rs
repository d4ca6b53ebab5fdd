//! How a capture's sender is answered once the capture is stored: by the
//! owner's app through the responder, by the first matching response rule
//! (after its delay), or with the 202.

use super::{now_ms, BinObject};
use crate::core::answer::choose::choose;
use crate::core::answer::render::{self, Fill};
use crate::core::answer::rule::Rule;
use crate::core::bin::ids::request_id;
use crate::core::capture::model::{Answered, Capture};
use crate::core::capture::view::RequestAccepted;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::reply::answer::check;
use crate::core::reply::outcome::Replied;
use crate::core::time::rfc3339_ms;
use std::time::Duration;
use worker::Delay;

impl BinObject {
    /// Waits up to `timeout_ms` for the app's answer to `capture` of bin
    /// `bin`: the sender gets it, or the fallback.
    pub(super) async fn ask_app(
        &self,
        bin: &str,
        capture: Capture,
        timeout_ms: u64,
        config: &Config,
    ) -> Result<Reply, ApiError> {
        let started = now_ms();
        let outcome = self.await_app(capture.seq, timeout_ms).await;
        let waited_ms = u64::try_from(now_ms() - started).unwrap_or(0);
        let app = match outcome {
            Ok(app) => app,
            Err(why) => return self.fall_back(bin, capture, Replied::fell_back(why, waited_ms), config).await,
        };
        let (answer, sent) = check(&app, bin, navigated(&capture), config.reply_max_body_bytes);
        match sent {
            Ok(reply) => {
                let replied = Replied { waited_ms, fallback: None, app: Some(answer) };
                self.record_reply(bin, &capture, None, &replied);
                Ok(reply)
            }
            Err(why) => {
                let replied = Replied { waited_ms, fallback: Some(why), app: Some(answer) };
                self.fall_back(bin, capture, replied, config).await
            }
        }
    }

    /// The sender of `capture` gets the rule's answer or the 202, and
    /// `replied` says why.
    pub(super) async fn fall_back(
        &self,
        bin: &str,
        mut capture: Capture,
        replied: Replied,
        config: &Config,
    ) -> Result<Reply, ApiError> {
        let mut rule = self.choose_rule(&capture, config)?;
        // The sender has waited already: a rule's delay counts that time.
        if let Some((_, answered, _)) = rule.as_mut() {
            answered.delay_ms = answered.delay_ms.saturating_sub(replied.waited_ms);
        }
        capture.answer = rule.as_ref().map(|(_, answered, _)| *answered);
        self.record_reply(bin, &capture, rule.as_ref().map(|(idx, answered, _)| (*idx, *answered)), &replied);
        self.answer_by_rule(bin, &capture, rule).await
    }

    /// The answer of `rule` (after its delay), or the 202.
    pub(super) async fn answer_by_rule(
        &self,
        bin: &str,
        capture: &Capture,
        rule: Option<(usize, Answered, Rule)>,
    ) -> Result<Reply, ApiError> {
        let (rid, received_at) = (request_id(bin, capture.seq), rfc3339_ms(capture.received_at_ms));
        match rule {
            Some((_, answered, rule)) => {
                let fill = Fill {
                    request_id: &rid,
                    seq: capture.seq,
                    received_at: &received_at,
                    navigation: navigated(capture),
                };
                let reply = render::reply(&rule, &fill);
                self.wait(answered.delay_ms).await;
                Ok(reply)
            }
            None => Reply::json(202, &RequestAccepted { request_id: rid, received_at, seq: capture.seq }),
        }
    }

    /// The rule that answers `capture`, if any, with the answer it gives. A
    /// delay is granted only while the bin holds fewer than its share of
    /// delayed answers; past that the answer goes out at once, recorded.
    pub(super) fn choose_rule(
        &self,
        capture: &Capture,
        config: &Config,
    ) -> Result<Option<(usize, Answered, Rule)>, ApiError> {
        let key = capture.ns_path();
        self.with_rules(|(rules, uses)| {
            let idx = choose(rules, uses, &capture.method, &key)?;
            let rule = rules.get(idx)?.clone();
            let delay_ok = self.delayed.get() < config.response_max_delayed;
            let delay_ms = if delay_ok { rule.delay_ms } else { 0 };
            let answered = Answered {
                rule: idx as u32,
                status: rule.status,
                delay_ms,
                delay_skipped: rule.delay_ms > 0 && !delay_ok,
            };
            Some((idx, answered, rule))
        })
    }

    /// Waits `delay_ms` after the capture is stored. The object goes on
    /// serving other requests meanwhile: a timer holds no input gate.
    async fn wait(&self, delay_ms: u64) {
        if delay_ms == 0 {
            return;
        }
        self.delayed.set(self.delayed.get() + 1);
        Delay::from(Duration::from_millis(delay_ms)).await;
        self.delayed.set(self.delayed.get().saturating_sub(1));
    }
}

/// Whether a browser navigated to the bin (`Sec-Fetch-Mode: navigate`).
fn navigated(capture: &Capture) -> bool {
    capture.headers.get("sec-fetch-mode").is_some_and(|m| m == "navigate")
}

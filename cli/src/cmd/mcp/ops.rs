//! What each tool does, over the service's API: plain async functions that
//! answer JSON, so the server module stays a table of tools.

use std::time::Duration;

use base64::Engine;
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::params::{GetRequest, ListRequests, Replay, SetResponses, SetVerifier, WaitFor};
use crate::api::Api;
use crate::args::Service;
use crate::bin_ref::{choose_base, request_id};
use crate::cmd::wait::{first_match, query_of};
use crate::cmd::{resolve, Target};
use crate::error::CliError;
use crate::home;
use crate::saved::{self, SavedBin};

/// Body bytes `get_request` returns by default.
const BODY_BYTES: usize = 64 * 1024;

fn target(base: Option<&str>, bin: &str) -> Result<Target, CliError> {
    resolve(bin, &Service { base: base.map(str::to_string), token: None })
}

/// The saved delete token of `bin`: the owner's tools need it.
fn delete_token(t: &Target) -> Result<String, CliError> {
    saved::load(&home::bins_dir()?, &t.id)?
        .map(|s| s.delete_token)
        .ok_or_else(|| CliError::fail(format!("bin {} was not created here: its delete token is not saved", t.id)))
}

pub async fn create_bin(base: Option<&str>, private: bool) -> Result<Value, CliError> {
    let base = choose_base(base, None, None);
    let made = Api::new(&base, None)?.create_bin(private).await?;
    let record = SavedBin {
        id: made.id.clone(),
        base,
        ingest_url: made.ingest_url.clone(),
        delete_token: made.delete_token,
        read_token: made.read_token,
        expires_at: made.expires_at.clone(),
    };
    saved::save(&home::bins_dir()?, &record)?;
    Ok(json!({ "id": made.id, "ingest_url": made.ingest_url, "expires_at": made.expires_at, "private": private }))
}

pub async fn wait_for(base: Option<&str>, p: WaitFor, timeout: Duration) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let f = &p.filters;
    let query = query_of(f.method.as_deref(), f.path.as_deref(), &f.header, f.verified);
    match first_match(&t, query, p.after, timeout).await? {
        Some(text) => Ok(json!({ "capture": parse(&text)? })),
        None => Ok(json!({ "timed_out": true, "waited_s": timeout.as_secs() })),
    }
}

pub async fn list(base: Option<&str>, p: ListRequests) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let f = &p.filters;
    let mut query = query_of(f.method.as_deref(), f.path.as_deref(), &f.header, f.verified);
    query.push(("limit".into(), p.limit.unwrap_or(20).clamp(1, 100).to_string()));
    if let Some(q) = p.q {
        query.push(("q".into(), q));
    }
    t.api.call(Method::GET, &format!("/v1/bins/{}/requests", t.id), &query, None, None).await
}

pub async fn get(base: Option<&str>, p: GetRequest) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let rid = request_id(&t.id, &p.request_id);
    let detail = t.api.call(Method::GET, &format!("/v1/bins/{}/requests/{rid}", t.id), &[], None, None).await?;
    Ok(with_body(detail, p.max_body_bytes.unwrap_or(BODY_BYTES)))
}

pub async fn set_verifier(base: Option<&str>, p: SetVerifier) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let mut verifier = json!({ "scheme": p.scheme, "secret": p.secret });
    if let Some(h) = p.header {
        verifier["header"] = h.into();
    }
    let body = json!({ "verifiers": [verifier] });
    let owner = delete_token(&t)?;
    // The service answers schemes and fingerprints, never the secret.
    t.api.call(Method::PUT, &format!("/v1/bins/{}/verify", t.id), &[], Some(&body), Some(&owner)).await
}

pub async fn set_responses(base: Option<&str>, p: SetResponses) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let owner = delete_token(&t)?;
    let body = json!({ "rules": p.rules });
    t.api.call(Method::PUT, &format!("/v1/bins/{}/responses", t.id), &[], Some(&body), Some(&owner)).await
}

pub async fn replay(base: Option<&str>, p: Replay) -> Result<Value, CliError> {
    let t = target(base, &p.bin)?;
    let rid = request_id(&t.id, &p.request_id);
    let id = t.api.start_replay(&t.id, &rid, &p.target_url, p.max_retries).await?;
    t.api.call(Method::GET, &format!("/v1/replays/{id}"), &[], None, None).await
}

pub async fn delete(base: Option<&str>, bin: &str) -> Result<Value, CliError> {
    let t = target(base, bin)?;
    let owner = delete_token(&t)?;
    t.api.call(Method::DELETE, &format!("/v1/bins/{}", t.id), &[], None, Some(&owner)).await?;
    Ok(json!({ "deleted": t.id }))
}

fn parse(text: &str) -> Result<Value, CliError> {
    serde_json::from_str(text)
        .map_err(|e| CliError::fail(format!("the service sent JSON this command cannot read: {e}")))
}

/// The detail with its body as text (or base64 when it is not UTF-8), cut
/// at `max` bytes, in place of `body_b64`.
fn with_body(mut detail: Value, max: usize) -> Value {
    let Some(obj) = detail.as_object_mut() else { return detail };
    let raw = obj
        .remove("body_b64")
        .and_then(|b| b.as_str().and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok()))
        .unwrap_or_default();
    let cut = raw.len() > max;
    let kept = &raw[..raw.len().min(max)];
    let mut body = Map::new();
    match std::str::from_utf8(kept) {
        Ok(text) => {
            body.insert("text".into(), text.into());
            body.insert("base64".into(), false.into());
        }
        Err(_) => {
            body.insert("text".into(), base64::engine::general_purpose::STANDARD.encode(kept).into());
            body.insert("base64".into(), true.into());
        }
    }
    body.insert("truncated".into(), cut.into());
    obj.insert("body".into(), Value::Object(body));
    detail
}

#[cfg(test)]
mod tests {
    use super::with_body;
    use serde_json::json;

    #[test]
    fn bodies_come_as_text_or_base64_and_are_cut() {
        let text = with_body(json!({ "id": "b-1", "body_b64": "aGVsbG8=" }), 64);
        assert_eq!(text["body"], json!({ "text": "hello", "base64": false, "truncated": false }));
        assert!(text.get("body_b64").is_none());
        let binary = with_body(json!({ "body_b64": "/w==" }), 64);
        assert_eq!(binary["body"]["base64"], true);
        let cut = with_body(json!({ "body_b64": "aGVsbG8=" }), 2);
        assert_eq!(cut["body"], json!({ "text": "he", "base64": false, "truncated": true }));
    }
}

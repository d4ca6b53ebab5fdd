//! bench/baseline/worker.js in workers-rs: an entry that creates bin ids
//! and forwards bin routes to one Durable Object per bin; the object does
//! one SQLite insert per webhook and lists the newest 20. Nothing else
//! (no SSE: the ingest scenario has no subscribers).

use std::cell::Cell;
use worker::*;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if req.method() == Method::Post && path == "/v1/bins" {
        let id = js_sys::Math::random().to_string().chars().filter(char::is_ascii_digit).take(12).collect::<String>();
        let base = req.url()?.origin().ascii_serialization();
        let body = serde_json::json!({ "id": id, "ingest_url": format!("{base}/v1/bins/{id}/in") });
        return Ok(Response::from_json(&body)?.with_status(201));
    }
    if let ["v1", "bins", id, ..] = parts.as_slice() {
        return env.durable_object("BINS")?.get_by_name(id)?.fetch_with_request(req).await;
    }
    Response::error("not found", 404)
}

#[durable_object]
pub struct Bin {
    sql: SqlStorage,
    next: Cell<i64>,
}

impl DurableObject for Bin {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        let _ = sql.exec("CREATE TABLE IF NOT EXISTS captures (seq INTEGER PRIMARY KEY, method TEXT, path TEXT, headers TEXT, body BLOB, received_at INTEGER)", None);
        let max = sql
            .exec("SELECT COALESCE(MAX(seq), 0) AS m FROM captures", None)
            .and_then(|c| c.one::<serde_json::Value>());
        let next = max.ok().and_then(|v| v["m"].as_i64()).unwrap_or(0) + 1;
        Bin { sql, next: Cell::new(next) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let (id, what) = (parts.get(2).copied().unwrap_or(""), parts.get(3).copied().unwrap_or(""));
        if what == "requests" {
            let rows: Vec<serde_json::Value> = self.sql.exec("SELECT seq, method, path, headers, length(body) AS body_size, received_at FROM captures ORDER BY seq DESC LIMIT 20", None)?.to_array()?;
            return Response::from_json(&serde_json::json!({ "items": rows, "next_cursor": null }));
        }
        if what != "in" {
            return Response::error("not found", 404);
        }
        let body = req.bytes().await?;
        let seq = self.next.get();
        self.next.set(seq + 1);
        let headers: serde_json::Map<String, serde_json::Value> =
            req.headers().entries().map(|(k, v)| (k, v.into())).collect();
        let sub = path.split_once("/in").map_or("/", |(_, rest)| if rest.is_empty() { "/" } else { rest }).to_string();
        let at = Date::now().as_millis() as i64;
        let values: Vec<SqlStorageValue> = vec![
            seq.into(),
            req.method().to_string().into(),
            sub.into(),
            serde_json::Value::Object(headers).to_string().into(),
            SqlStorageValue::Blob(body),
            at.into(),
        ];
        self.sql.exec("INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?)", values)?;
        let answer = serde_json::json!({ "request_id": format!("{id}-{seq}"), "seq": seq, "received_at": Date::now().to_string() });
        Ok(Response::from_json(&answer)?.with_status(202))
    }
}

//! A pooled HTTP/1.1 client over loopback.

use crate::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The shared client; clones share its connection pool.
pub type Client = Pool<HttpConnector, Full<Bytes>>;

/// Longest any single bench request may take before it counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A keep-alive client.
pub fn new() -> Client {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Pool::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector)
}

/// Sends one request and reads the whole answer: (status, body).
pub async fn send(client: &Client, method: Method, url: &str, body: Bytes) -> Result<(u16, Bytes)> {
    let request =
        Request::builder().method(method).uri(url).header("content-type", "application/json").body(Full::new(body))?;
    let exchange = async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok::<_, crate::Error>((status, body))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange).await.map_err(|_| "request timed out")?
}

/// Creates a bin on `base`; returns its id.
pub async fn create_bin(client: &Client, base: &str) -> Result<String> {
    let (status, body) = send(client, Method::POST, &format!("{base}/v1/bins"), Bytes::new()).await?;
    if status != 201 {
        return Err(format!("POST /v1/bins answered {status}").into());
    }
    let created: serde_json::Value = serde_json::from_slice(&body)?;
    Ok(created["id"].as_str().ok_or("no bin id in the answer")?.to_string())
}

/// Microseconds since the Unix epoch: the timestamp events carry.
pub fn epoch_us() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

//! `coldstart`: from spawning a runtime to its first 2xx on ingest, and
//! the size of what the runtime has to load.

use crate::client::{self, create_bin, send};
use crate::runtime::{root, Host, Runtime, Target};
use crate::Result;
use bytes::Bytes;
use hyper::Method;
use std::time::{Duration, Instant};

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    /// Spawn to the runtime listening, ms.
    pub listening_ms: f64,
    /// Spawn to the first 2xx ingest, ms.
    pub first_ingest_ms: f64,
}

/// Starts `target` fresh and times its first ingest.
pub async fn once(target: Target) -> Result<Start> {
    let spawned = Instant::now();
    let runtime = Runtime::start(target).await?;
    let client = client::new();
    let result = first_2xx(spawned, || async {
        let bin = create_bin(&client, &runtime.url).await?;
        send(&client, Method::POST, &ingest_url(&runtime.url, &bin), Bytes::from_static(b"{}")).await
    })
    .await;
    let listening = runtime.ready_after;
    runtime.stop().await;
    Ok(Start { listening_ms: ms(listening), first_ingest_ms: ms(result?) })
}

/// Tries `attempt` every 5 ms until it answers 2xx; the time since `from`
/// when it did, or an error 60 s after `from`.
async fn first_2xx<F, Fut>(from: Instant, mut attempt: F) -> Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(u16, Bytes)>>,
{
    let deadline = from + Duration::from_secs(60);
    loop {
        match attempt().await {
            Ok((status, _)) if (200..300).contains(&status) => return Ok(from.elapsed()),
            _ if Instant::now() > deadline => return Err("no 2xx within 60 s".into()),
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

fn ingest_url(base: &str, bin: &str) -> String {
    format!("{base}/v1/bins/{bin}/in")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A restart: a runtime with storage kept on disk gets a bin and one
/// capture, stops, and starts again on the same storage; returns the time
/// from it listening again to the first 2xx ingest into that bin, ms.
pub async fn restart(target: Target) -> Result<f64> {
    let dir = std::env::temp_dir().join(format!("polyhook-bench-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let persist = [format!("--persist={}", dir.display())];
    let client = client::new();
    let rt = Runtime::start_with(target, Host::Miniflare, &persist).await?;
    let bin = create_bin(&client, &rt.url).await;
    if let Ok(bin) = &bin {
        send(&client, Method::POST, &ingest_url(&rt.url, bin), Bytes::from_static(b"{}")).await?;
    }
    rt.stop().await;
    let bin = bin?;
    let rt = Runtime::start_with(target, Host::Miniflare, &persist).await?;
    let url = ingest_url(&rt.url, &bin);
    let result = first_2xx(Instant::now(), || send(&client, Method::POST, &url, Bytes::from_static(b"{}"))).await;
    rt.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result.map(ms)
}

/// The code a runtime loads, as (description, bytes raw, bytes gzip -9).
pub fn code_size(target: Target) -> Result<(String, u64, u64)> {
    if target == Target::Structured {
        // It imports the floor's worker.js and its own parts: all three are loaded.
        let (_, raw_floor, gz_floor) = code_size(Target::Baseline)?;
        let (_, raw_parts, gz_parts) = file_size(&root().join("bench/baseline/structured-parts.js"))?;
        let (name, raw, gz) = file_size(&root().join("bench/baseline/structured.js"))?;
        let name = format!("{name} + structured-parts.js + worker.js");
        return Ok((name, raw + raw_parts + raw_floor, gz + gz_parts + gz_floor));
    }
    let path = match target {
        Target::Rust => root().join("build/index_bg.wasm"),
        Target::Baseline => root().join("bench/baseline/worker.js"),
        Target::Before => std::env::var("POLYHOOK_BENCH_BEFORE_DIR")
            .map_or_else(|_| root().join("bench/.before"), std::path::PathBuf::from)
            .join("build/index_bg.wasm"),
        Target::Repro => root().join("bench/repro/build/index_bg.wasm"),
        // Sized above, with the files it imports.
        Target::Structured => root().join("bench/baseline/structured.js"),
    };
    file_size(&path)
}

fn file_size(path: &std::path::Path) -> Result<(String, u64, u64)> {
    let raw = std::fs::metadata(path)?.len();
    let gz = std::process::Command::new("gzip").arg("-9").arg("-c").arg(path).output()?;
    if !gz.status.success() {
        return Err("gzip failed".into());
    }
    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    Ok((name, raw, gz.stdout.len() as u64))
}

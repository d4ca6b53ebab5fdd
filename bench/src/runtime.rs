//! Starting a runtime for a scenario (`node bench/serve.mjs`, which runs
//! Miniflare's workerd on a free port) and reading workerd's memory.

use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Which service to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// polyhook-rs, the built worker.
    Rust,
    /// The JavaScript runtime-floor baseline.
    Baseline,
    /// The older polyhook-rs build that `bench/before.sh` puts in
    /// `bench/.before`, for before/after figures in one run.
    Before,
    /// The floor's Durable Object in workers-rs (`bench/repro/`): what
    /// meeting the runtime through the `worker` crate costs by itself.
    Repro,
    /// The floor doing polyhook's work in JavaScript (`bench/baseline/structured.js`):
    /// its creation path, ingest, retention, metrics and list reads.
    Structured,
}

/// What serves the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// Bare Miniflare (workerd), as the tests run it.
    Miniflare,
    /// `wrangler dev`, as `npm run dev` runs it.
    WranglerDev,
}

impl Target {
    /// Parses `rust`, `baseline`, `before`, `repro` or `structured`.
    pub fn parse(s: &str) -> Option<Target> {
        match s {
            "rust" => Some(Target::Rust),
            "baseline" => Some(Target::Baseline),
            "before" => Some(Target::Before),
            "repro" => Some(Target::Repro),
            "structured" => Some(Target::Structured),
            _ => None,
        }
    }

    /// The name `serve.mjs` takes.
    pub fn name(self) -> &'static str {
        match self {
            Target::Rust => "rust",
            Target::Baseline => "baseline",
            Target::Before => "before",
            Target::Repro => "repro",
            Target::Structured => "structured",
        }
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Vars for every bench run: limits out of the way of the load.
pub const VARS: [&str; 9] = [
    "RATE_LIMIT_PER_SECOND=1000000",
    "RATE_LIMIT_BURST=1000000",
    "CREATE_LIMIT_PER_MINUTE=1000000",
    "CREATE_LIMIT_BURST=1000000",
    "CREATE_GLOBAL_PER_MINUTE=100000000",
    "CREATE_PREFIX_PER_MINUTE=1000000",
    "CREATE_PREFIX_BURST=1000000",
    "SSE_MAX_SUBSCRIBERS=20000",
    // Every bench subscriber comes from 127.0.0.1.
    "SSE_MAX_PER_CLIENT=100000",
];

/// A running service.
pub struct Runtime {
    child: Child,
    /// Its base URL.
    pub url: String,
    /// From spawning to the runtime saying it listens.
    pub ready_after: Duration,
}

impl Runtime {
    /// Spawns `target` on Miniflare and waits until it listens.
    pub async fn start(target: Target) -> Result<Runtime> {
        Runtime::start_on(target, Host::Miniflare).await
    }

    /// Spawns `target` on `host` and waits until it listens.
    pub async fn start_on(target: Target, host: Host) -> Result<Runtime> {
        Runtime::start_with(target, host, &[]).await
    }

    /// Spawns `target` on `host` with `extra` vars (`NAME=value`) over [`VARS`].
    pub async fn start_with(target: Target, host: Host, extra: &[String]) -> Result<Runtime> {
        let started = Instant::now();
        // From the repository root: workerd refuses module paths that climb
        // out of its working directory.
        let mut child = Command::new("node")
            .current_dir(root())
            .arg("bench/serve.mjs")
            .arg(target.name())
            .args((host == Host::WranglerDev).then_some("--wrangler"))
            .args(VARS)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next_line().await? {
                Some(line) => match line.strip_prefix("READY ") {
                    Some(url) => break url.to_string(),
                    None => continue,
                },
                None => return Err(format!("{} runtime exited before it was ready", target.name()).into()),
            }
        };
        // Keep reading so a chatty runtime never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Runtime { child, url, ready_after: started.elapsed() })
    }

    /// Resident memory of every workerd process under this runtime, KiB.
    pub fn rss_kb(&self) -> Option<u64> {
        Some(self.workerd()?.iter().map(|p| p.rss_kb).sum())
    }

    /// CPU time workerd used so far (user + system), ms.
    pub fn cpu_ms(&self) -> Option<f64> {
        Some(self.workerd()?.iter().map(|p| p.cpu_ticks).sum::<u64>() as f64 * 1000.0 / CLOCK_TICKS_PER_S)
    }

    fn workerd(&self) -> Option<Vec<Proc>> {
        let pid = self.child.id()?;
        let procs = processes();
        let mut family = vec![pid];
        let mut i = 0;
        while i < family.len() {
            let parent = family[i];
            family.extend(procs.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
            i += 1;
        }
        Some(procs.into_iter().filter(|p| family.contains(&p.pid) && p.name == "workerd").collect())
    }

    /// Stops the runtime: closing stdin asks serve.mjs to dispose of it.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

/// Linux's USER_HZ, the unit of /proc/<pid>/stat CPU times.
const CLOCK_TICKS_PER_S: f64 = 100.0;

struct Proc {
    pid: u32,
    ppid: u32,
    name: String,
    rss_kb: u64,
    cpu_ticks: u64,
}

/// Every process from /proc: pid, parent, name and VmRSS.
fn processes() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(|entry| {
        let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
        let ppid = field("PPid:")?.parse().ok()?;
        let name = field("Name:")?.to_string();
        let rss_kb = field("VmRSS:").and_then(|v| v.trim_end_matches("kB").trim().parse().ok()).unwrap_or(0);
        // stat's fields 14 and 15 (utime, stime) follow the parenthesised name.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after_name: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let cpu_ticks = after_name.get(11..13)?.iter().filter_map(|v| v.parse::<u64>().ok()).sum();
        Some(Proc { pid, ppid, name, rss_kb, cpu_ticks })
    })
    .collect()
}

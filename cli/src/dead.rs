//! The dead-letter file of `listen`: captures the app kept failing after
//! the whole retry budget, kept with their bytes (the bin may have evicted
//! them by the time they are re-sent) so that one bad capture never blocks
//! every later one. One JSON object per line, next to the checkpoint of the
//! same bin and target; `listen --retry-dead` re-sends them in order.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::checkpoint::stem;
use crate::wire::Capture;

/// One capture given up on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The capture, body included.
    pub capture: Capture,
    /// Why the last attempt failed.
    pub reason: String,
    /// Attempts made.
    pub attempts: u32,
}

/// The dead-letter file for `bin` forwarded to `target`, under `dir`.
pub fn path_for(dir: &Path, bin: &str, target: &str) -> PathBuf {
    dir.join(format!("{}.dead.jsonl", stem(bin, target)))
}

/// Adds `letter` at the end of the file at `path` (created `0600`).
pub fn append(path: &Path, letter: &DeadLetter) -> io::Result<()> {
    let mut line = serde_json::to_vec(letter).map_err(io::Error::other)?;
    line.push(b'\n');
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(&line)?;
    file.sync_data()
}

/// Every letter in the file at `path`, oldest first (none if there is no
/// file). A line that is not a letter is an error, never skipped.
pub fn read_all(path: &Path) -> io::Result<Vec<DeadLetter>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| io::Error::other(format!("{} line {}: {e}", path.display(), i + 1)))
        })
        .collect()
}

/// Replaces the file at `path` with `letters` atomically; no letters, no file.
pub fn rewrite(path: &Path, letters: &[DeadLetter]) -> io::Result<()> {
    if letters.is_empty() {
        return match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let mut out = Vec::new();
    for letter in letters {
        out.extend(serde_json::to_vec(letter).map_err(io::Error::other)?);
        out.push(b'\n');
    }
    atomic::write(path, &out, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(seq: u64) -> DeadLetter {
        let capture: Capture = serde_json::from_value(serde_json::json!({
            "id": format!("abcdefghijkl-{seq}"), "seq": seq, "method": "POST", "path": "/", "query": "",
            "headers": {}, "body_size": 2, "body_b64": "aGk=", "received_at": "2026-12-05T00:00:00.000Z"
        }))
        .unwrap();
        DeadLetter { capture, reason: "target answered 500; gave up".into(), attempts: 9 }
    }

    #[test]
    fn appends_reads_in_order_and_rewrites() {
        let dir = std::env::temp_dir().join(format!("polyhook-dead-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = path_for(&dir, "abcdefghijkl", "http://127.0.0.1:3000/hook");
        assert!(read_all(&path).unwrap().is_empty());
        for seq in [3, 7] {
            append(&path, &letter(seq)).unwrap();
        }
        let read: Vec<u64> = read_all(&path).unwrap().iter().map(|l| l.capture.seq).collect();
        assert_eq!(read, [3, 7]);
        rewrite(&path, &[letter(7)]).unwrap();
        assert_eq!(read_all(&path).unwrap().len(), 1);
        rewrite(&path, &[]).unwrap();
        assert!(!path.exists());
        fs::write(&path, "not json\n").unwrap();
        assert!(read_all(&path).is_err(), "a damaged file is an error, not an empty one");
        fs::remove_dir_all(&dir).unwrap();
    }
}

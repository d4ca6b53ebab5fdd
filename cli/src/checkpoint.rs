//! The listen checkpoint: the last sequence number a target answered for,
//! one file per bin and target, replaced atomically after every delivery.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use polyhook_rs::core::hex::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic;

/// What one checkpoint file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The bin id.
    pub bin: String,
    /// The target URL exactly as given to `--to`.
    pub target: String,
    /// The last capture the target answered for.
    pub seq: u64,
}

/// Why a checkpoint file could not be used.
#[derive(Debug)]
pub enum CheckpointError {
    /// The file exists but is not a checkpoint.
    Corrupt(PathBuf, String),
    /// The file belongs to another bin or target.
    Foreign(PathBuf, Checkpoint),
    /// Reading failed.
    Io(PathBuf, io::Error),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = "pass --since SEQ or --from-start to choose where to start, or delete the file";
        match self {
            CheckpointError::Corrupt(p, why) => write!(f, "checkpoint {} is unreadable ({why}); {hint}", p.display()),
            CheckpointError::Foreign(p, c) => {
                write!(f, "checkpoint {} belongs to bin {} and {}; {hint}", p.display(), c.bin, c.target)
            }
            CheckpointError::Io(p, e) => write!(f, "cannot read checkpoint {}: {e}", p.display()),
        }
    }
}

/// The checkpoint file for `bin` forwarded to `target`, under `dir`. The
/// target is hashed so any URL makes a safe file name.
pub fn path_for(dir: &Path, bin: &str, target: &str) -> PathBuf {
    dir.join(format!("{}.json", stem(bin, target)))
}

/// The name files of `bin` and `target` share, before their extension.
pub fn stem(bin: &str, target: &str) -> String {
    let digest = Sha256::digest(target.as_bytes());
    format!("{bin}-{}", hex(&digest[..8]))
}

/// The saved sequence number for `bin` and `target`, or `None` when there is
/// no checkpoint yet. A file that is not valid, or that names another bin or
/// target, is an error: starting anywhere else could skip captures.
pub fn read(path: &Path, bin: &str, target: &str) -> Result<Option<u64>, CheckpointError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CheckpointError::Io(path.to_path_buf(), e)),
    };
    let saved: Checkpoint =
        serde_json::from_slice(&bytes).map_err(|e| CheckpointError::Corrupt(path.to_path_buf(), e.to_string()))?;
    if saved.bin != bin || saved.target != target {
        return Err(CheckpointError::Foreign(path.to_path_buf(), saved));
    }
    Ok(Some(saved.seq))
}

/// Replaces the checkpoint at `path` atomically.
pub fn write(path: &Path, checkpoint: &Checkpoint) -> io::Result<()> {
    let json = serde_json::to_vec(checkpoint).map_err(io::Error::other)?;
    atomic::write(path, &json, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "http://127.0.0.1:3000/hook";

    fn at(seq: u64) -> Checkpoint {
        Checkpoint { bin: "abcdefghijkl".into(), target: TARGET.into(), seq }
    }

    #[test]
    fn missing_file_is_no_checkpoint() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = path_for(dir.path(), "abcdefghijkl", TARGET);
        assert!(matches!(read(&path, "abcdefghijkl", TARGET), Ok(None)));
        Ok(())
    }

    #[test]
    fn round_trips_and_each_write_replaces_the_last() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = path_for(dir.path(), "abcdefghijkl", TARGET);
        for seq in 1..=50 {
            write(&path, &at(seq))?;
        }
        assert!(matches!(read(&path, "abcdefghijkl", TARGET), Ok(Some(50))));
        assert_eq!(fs::read_dir(dir.path())?.count(), 1, "no temporary file is left behind");
        Ok(())
    }

    #[test]
    fn a_torn_or_foreign_file_is_refused_not_ignored() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = path_for(dir.path(), "abcdefghijkl", TARGET);
        for junk in [&b"{\"bin\":\"abcdefghijkl\",\"tar"[..], b"", b"[]", b"{\"bin\":1}"] {
            fs::write(&path, junk)?;
            let err = read(&path, "abcdefghijkl", TARGET);
            assert!(matches!(err, Err(CheckpointError::Corrupt(..))), "{junk:?}");
        }
        write(&path, &Checkpoint { bin: "zzzzzzzzzzzz".into(), ..at(9) })?;
        let err = read(&path, "abcdefghijkl", TARGET);
        assert!(matches!(err, Err(CheckpointError::Foreign(..))));
        let message = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("zzzzzzzzzzzz") && message.contains("--since"), "{message}");
        write(&path, &Checkpoint { target: "http://127.0.0.1:4000/".into(), ..at(9) })?;
        assert!(matches!(read(&path, "abcdefghijkl", TARGET), Err(CheckpointError::Foreign(..))));
        Ok(())
    }

    #[test]
    fn each_bin_and_target_has_its_own_file() {
        let dir = Path::new("/x");
        let a = path_for(dir, "abcdefghijkl", TARGET);
        assert_ne!(a, path_for(dir, "abcdefghijkm", TARGET));
        assert_ne!(a, path_for(dir, "abcdefghijkl", "http://127.0.0.1:3000/other"));
        assert_eq!(a, path_for(dir, "abcdefghijkl", TARGET));
    }
}

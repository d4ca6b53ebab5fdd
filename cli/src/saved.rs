//! Bins made with `polyhook new`, saved with their tokens so later
//! commands find the service and can read private bins. Files are `0600`:
//! a delete token is the bin's only credential.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::error::CliError;

/// One saved bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedBin {
    /// The bin id.
    pub id: String,
    /// The service's base URL, such as `http://127.0.0.1:8787`.
    pub base: String,
    /// Where senders post.
    pub ingest_url: String,
    /// The owner credential.
    pub delete_token: String,
    /// The read credential of a private bin.
    #[serde(default)]
    pub read_token: Option<String>,
    /// RFC 3339 expiry.
    pub expires_at: String,
}

/// The file for bin `id` under `dir`.
pub fn path_for(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.json"))
}

/// Saves `bin` under `dir`, readable by the user only; returns the path.
pub fn save(dir: &Path, bin: &SavedBin) -> Result<PathBuf, CliError> {
    let path = path_for(dir, &bin.id);
    let json = serde_json::to_vec_pretty(bin).map_err(|e| CliError::fail(e.to_string()))?;
    atomic::write(&path, &json, 0o600).map_err(|e| CliError::fail(format!("cannot save {}: {e}", path.display())))?;
    Ok(path)
}

/// The saved bin `id`, if this machine made it.
pub fn load(dir: &Path, id: &str) -> Result<Option<SavedBin>, CliError> {
    let path = path_for(dir, id);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| CliError::fail(format!("{} is not a saved bin: {e}", path.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::fail(format!("cannot read {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_user_only_and_loads_back() -> Result<(), CliError> {
        let dir = tempfile::tempdir()?;
        let bin = SavedBin {
            id: "abcdefghijkl".into(),
            base: "http://127.0.0.1:8787".into(),
            ingest_url: "http://127.0.0.1:8787/v1/bins/abcdefghijkl/in".into(),
            delete_token: "d".repeat(48),
            read_token: Some("r".repeat(48)),
            expires_at: "2026-12-01T00:00:00.000Z".into(),
        };
        let path = save(dir.path(), &bin)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(load(dir.path(), "abcdefghijkl")?, Some(bin));
        assert_eq!(load(dir.path(), "zzzzzzzzzzzz")?, None);
        Ok(())
    }
}

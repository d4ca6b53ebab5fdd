//! Where the command keeps its files: saved bins (tokens) in the user's
//! config directory, listen checkpoints in the state directory.
//! `POLYHOOK_HOME` puts both under one directory (tests use it).

use std::path::PathBuf;

use crate::error::CliError;

/// Directory of saved bins: `$POLYHOOK_HOME/bins`, else
/// `<config dir>/polyhook/bins` (`~/.config/polyhook/bins` on Linux).
pub fn bins_dir() -> Result<PathBuf, CliError> {
    root(dirs::config_dir()).map(|r| r.join("bins"))
}

/// Directory of listen checkpoints: `$POLYHOOK_HOME/listen`, else
/// `<state dir>/polyhook/listen` (`~/.local/state/polyhook/listen` on Linux).
pub fn checkpoints_dir() -> Result<PathBuf, CliError> {
    root(dirs::state_dir().or_else(dirs::data_local_dir)).map(|r| r.join("listen"))
}

fn root(platform: Option<PathBuf>) -> Result<PathBuf, CliError> {
    if let Some(home) = std::env::var_os("POLYHOOK_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    platform.map(|d| d.join("polyhook")).ok_or_else(|| CliError::fail("no home directory found; set POLYHOOK_HOME"))
}

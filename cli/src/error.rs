//! The one error type of the command, with the exit status it maps to.

use std::fmt;

/// Exit status: something failed (bad arguments to the service, I/O, ...).
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the bin was deleted, expired, or never existed.
pub const EXIT_BIN_GONE: i32 = 3;
/// Exit status: `polyhook wait` ran out of time, as `timeout(1)` reports it.
pub const EXIT_TIMED_OUT: i32 = 124;
/// Exit status after Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Why a command stopped, and its exit status.
#[derive(Debug)]
pub struct CliError {
    /// The process exit status.
    pub code: i32,
    /// One line for the user.
    pub message: String,
}

impl CliError {
    /// A failure (exit status 1).
    pub fn fail(message: impl Into<String>) -> Self {
        CliError { code: EXIT_FAILED, message: message.into() }
    }

    /// The bin is gone (exit status 3).
    pub fn gone(message: impl Into<String>) -> Self {
        CliError { code: EXIT_BIN_GONE, message: message.into() }
    }

    /// Nothing came in time (exit status 124).
    pub fn timed_out(message: impl Into<String>) -> Self {
        CliError { code: EXIT_TIMED_OUT, message: message.into() }
    }

    /// Stopped by Ctrl-C (exit status 130).
    pub fn interrupted(message: impl Into<String>) -> Self {
        CliError { code: EXIT_INTERRUPTED, message: message.into() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::fail(e.to_string())
    }
}

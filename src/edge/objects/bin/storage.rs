//! The bin object's handles on its SQLite storage, one per kind of row.

use super::BinObject;
use crate::core::http::error::ApiError;
use crate::edge::storage::answers::Answers;
use crate::edge::storage::bin::BinRecord;
use crate::edge::storage::captures::Captures;
use crate::edge::storage::replays::Replays;
use crate::edge::storage::sequences::Sequences;
use crate::edge::storage::verifiers::Verifiers;
use std::cell::RefCell;

impl BinObject {
    pub(super) fn record(&self) -> BinRecord {
        BinRecord::new(self.state.storage().sql())
    }

    pub(super) fn captures(&self) -> Captures {
        Captures::new(self.state.storage().sql())
    }

    pub(super) fn replays(&self) -> Replays {
        Replays::new(self.state.storage().sql())
    }

    pub(super) fn answers(&self) -> Answers {
        Answers::new(self.state.storage().sql())
    }

    pub(super) fn verifiers(&self) -> Verifiers {
        Verifiers::new(self.state.storage().sql())
    }

    pub(super) fn sequences(&self) -> Sequences {
        Sequences::new(self.state.storage().sql())
    }
}

/// Runs `f` on the copy of a stored setting kept in `cell`, reading it with
/// `load` first when there is none (the first use, or after a failed write).
pub(super) fn cached<T, R>(
    cell: &RefCell<Option<T>>,
    load: impl FnOnce() -> Result<T, ApiError>,
    f: impl FnOnce(&mut T) -> R,
) -> Result<R, ApiError> {
    let mut cached = cell.borrow_mut();
    let loaded = match cached.take() {
        Some(loaded) => loaded,
        None => load()?,
    };
    Ok(f(cached.insert(loaded)))
}

//! The bin object's handles on its SQLite storage, one per kind of row.

use super::BinObject;
use crate::edge::storage::answers::Answers;
use crate::edge::storage::bin::BinRecord;
use crate::edge::storage::captures::Captures;
use crate::edge::storage::replays::Replays;
use crate::edge::storage::verifiers::Verifiers;

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
}

//! Concurrent slots: how many long-running responses (exports) a bin
//! serves at once, overall and per client, so one client cannot take them all.

use crate::core::http::error::{ApiError, ErrorKind};
use std::collections::HashMap;

/// Seconds a refused client is told to wait: an export usually ends by then.
const RETRY_AFTER_S: u64 = 5;

/// Slots in use, per client key.
#[derive(Debug, Default)]
pub struct Slots {
    held: HashMap<String, u64>,
    total: u64,
}

impl Slots {
    /// Takes a slot for `client`, unless the bin holds `max_total` or the
    /// client `max_per_client` already; then the 429 to answer with.
    pub fn take(&mut self, client: &str, max_total: u64, max_per_client: u64) -> Result<(), ApiError> {
        let mine = self.held.get(client).copied().unwrap_or(0);
        let why = if self.total >= max_total {
            format!("this bin already streams {max_total} exports")
        } else if mine >= max_per_client {
            format!("{max_per_client} exports of this bin from your address are still streaming")
        } else {
            self.total += 1;
            self.held.insert(client.to_string(), mine + 1);
            return Ok(());
        };
        Err(ApiError::new(ErrorKind::RateLimited, "too many exports at once")
            .with_details(format!("{why}; try again when one ends"))
            .with_header("retry-after", RETRY_AFTER_S.to_string()))
    }

    /// Gives back a slot of `client`.
    pub fn release(&mut self, client: &str) {
        if let Some(n) = self.held.get_mut(client) {
            *n -= 1;
            self.total = self.total.saturating_sub(1);
            if *n == 0 {
                self.held.remove(client);
            }
        }
    }

    /// Slots in use.
    pub fn in_use(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_client_then_overall() {
        let mut s = Slots::default();
        assert!(s.take("a", 3, 2).is_ok() && s.take("a", 3, 2).is_ok());
        let refused = s.take("a", 3, 2).unwrap_err();
        assert_eq!(refused.status(), 429);
        assert!(refused.details.unwrap_or_default().contains("your address"));
        assert!(s.take("b", 3, 2).is_ok());
        assert!(s.take("c", 3, 2).unwrap_err().details.unwrap_or_default().contains("this bin"));
        s.release("a");
        assert!(s.take("c", 3, 2).is_ok());
        assert_eq!(s.in_use(), 3);
        s.release("nobody");
        assert_eq!(s.in_use(), 3, "releasing what was not held changes nothing");
    }
}

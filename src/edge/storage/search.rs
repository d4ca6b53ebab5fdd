//! The bounded scans of filtered lists and exports over a bin's captures,
//! and the `since`/`until` window found through the receive-time index.

use super::captures::{capture_from_row, json_column, namespace_filter, CaptureRow, Captures, SeqRow, CAPTURE_COLUMNS};
use super::sql::{int, rows, run};
use crate::core::bin::ids::MAX_SAFE_SEQ;
use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::http::error::ApiError;
use crate::core::search::scan::{Order, ScanSource, Window};
use crate::core::verify::outcome::Verification;
use worker::SqlStorageValue as V;

impl ScanSource for Captures {
    fn scan(
        &self,
        window: Window,
        order: Order,
        namespace: &Namespace,
        limit: usize,
    ) -> Result<Vec<Capture>, ApiError> {
        let (filter, ns_args) = namespace_filter(namespace);
        let direction = match order {
            Order::NewestFirst => "DESC",
            Order::OldestFirst => "ASC",
        };
        let query = format!(
            "SELECT {CAPTURE_COLUMNS} FROM captures WHERE seq > ? AND seq < ?{filter} ORDER BY seq {direction} LIMIT ?"
        );
        let mut args = vec![int(window.after), int(window.before.min(MAX_SAFE_SEQ))];
        args.extend(ns_args);
        args.push(int(limit as u64));
        let found: Vec<CaptureRow> = rows(&self.sql, &query, args)?;
        found.into_iter().map(capture_from_row).collect()
    }

    fn body_hits(&self, seqs: &[u64], q: &str) -> Result<Vec<u64>, ApiError> {
        let marks = vec!["?"; seqs.len()].join(", ");
        // instr() on two BLOBs compares bytes, so any body, text or not, is searched as stored.
        let query = format!("SELECT seq FROM bodies WHERE seq IN ({marks}) AND instr(body, ?) > 0");
        let mut args: Vec<V> = seqs.iter().map(|s| int(*s)).collect();
        args.push(V::Blob(q.as_bytes().to_vec()));
        let hits: Vec<SeqRow> = rows(&self.sql, &query, args)?;
        Ok(hits.into_iter().map(|r| r.seq).collect())
    }
}

impl Captures {
    /// The sequence numbers of captures received in `[since_ms, until_ms)`,
    /// as a window, through the receive-time index. Exact because receive
    /// times never decrease with `seq`; the filter checks each row anyway.
    pub fn time_window(&self, since_ms: Option<i64>, until_ms: Option<i64>) -> Result<Window, ApiError> {
        let mut window = Window { after: 0, before: u64::MAX };
        if let Some(since) = since_ms {
            let q = "SELECT seq FROM captures WHERE received_at_ms < ? ORDER BY received_at_ms DESC, seq DESC LIMIT 1";
            let below: Vec<SeqRow> = rows(&self.sql, q, vec![since.into()])?;
            window.after = below.first().map_or(0, |r| r.seq);
        }
        if let Some(until) = until_ms {
            let q = "SELECT seq FROM captures WHERE received_at_ms >= ? ORDER BY received_at_ms, seq LIMIT 1";
            let above: Vec<SeqRow> = rows(&self.sql, q, vec![until.into()])?;
            window.before = above.first().map_or(u64::MAX, |r| r.seq);
        }
        Ok(window)
    }

    /// Records a new signature check of capture `seq`.
    pub fn set_verification(&self, seq: u64, verification: Option<&Verification>) -> Result<(), ApiError> {
        let json = json_column(verification)?;
        run(&self.sql, "UPDATE captures SET verification = ? WHERE seq = ?", vec![json.into(), int(seq)])
    }
}

//! Drives a long download (an export) through a [`pipe`]: the next piece
//! is made only when the client has read enough for the pipe to have room,
//! so a download of any size holds about one piece. The download ends, and
//! drops what it holds, as soon as it is done, fails, is told to end (its
//! slot was taken over, or the bin went), its client leaves, or its client
//! reads nothing for the stall time: it never waits for a reader for ever.

use super::js_stream::{pipe, PipeWriter};
use futures::channel::oneshot;
use futures::future::{select, Either};
use std::future::Future;
use std::time::Duration;
use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::{spawn_local, JsFuture};
use worker::worker_sys::web_sys::ReadableStream;
use worker::Delay;

/// Bytes that may wait unread in the pipe before the next piece is made.
const QUEUE_BYTES: usize = 1024 * 1024;

/// A document made a piece at a time.
pub trait Pieces {
    /// The next piece; `Ok(None)` once the document is whole; `Err` (the
    /// reason) ends the download broken, so the client can tell.
    fn next(&mut self) -> impl Future<Output = Result<Option<Vec<u8>>, String>>;
    /// The last bytes of a document cut short for `why`.
    fn cut_short(&self, why: &str) -> Vec<u8>;
}

/// Why a download is told to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancel {
    /// Said to a reader that keeps up, in the document's own terms.
    pub why: String,
    /// Drop what waits unread rather than finish with `why`: the reader
    /// is behind (its slot was taken over after a stall) and may never read it.
    pub drop_queue: bool,
}

/// Starts sending `pieces`; returns the response body. `cancel` ends the
/// download early (also when its sender is dropped).
pub fn start<P: Pieces + 'static>(
    pieces: P,
    cancel: oneshot::Receiver<Cancel>,
    stall: Duration,
) -> Result<ReadableStream, JsValue> {
    let (writer, readable) = pipe(QUEUE_BYTES)?;
    spawn_local(pump(pieces, writer, cancel, stall));
    Ok(readable)
}

/// Why a wait for room ended.
enum Room {
    Ready,
    ClientLeft,
    Stalled,
    Cancelled(Cancel),
}

async fn room(writer: &PipeWriter, cancel: &mut oneshot::Receiver<Cancel>, stall: Duration) -> Room {
    let ready = Box::pin(JsFuture::from(writer.ready()));
    let wait = select(ready, Box::pin(Delay::from(stall)));
    match select(wait, cancel).await {
        Either::Left((Either::Left((Ok(_), _)), _)) => Room::Ready,
        Either::Left((Either::Left((Err(_), _)), _)) => Room::ClientLeft,
        Either::Left((Either::Right(_), _)) => Room::Stalled,
        Either::Right((cancel, _)) => {
            Room::Cancelled(cancel.unwrap_or_else(|_| Cancel { why: "export ended".into(), drop_queue: false }))
        }
    }
}

async fn pump<P: Pieces>(mut pieces: P, writer: PipeWriter, mut cancel: oneshot::Receiver<Cancel>, stall: Duration) {
    loop {
        match room(&writer, &mut cancel, stall).await {
            Room::Ready => {}
            Room::ClientLeft => return,
            // Nobody reads: drop what waits rather than hold it for a reader that may never come.
            Room::Stalled => return writer.terminate(),
            Room::Cancelled(Cancel { drop_queue: true, .. }) => return writer.terminate(),
            Room::Cancelled(Cancel { why, .. }) => return end_short(&pieces, &writer, &why),
        }
        match pieces.next().await {
            Ok(Some(bytes)) => writer.send(&Uint8Array::from(bytes.as_slice())),
            Ok(None) => return writer.finish(),
            Err(why) => return end_short(&pieces, &writer, &why),
        }
    }
}

/// Ends a download cut short, with the document's own sign that it is incomplete.
fn end_short(pieces: &impl Pieces, writer: &PipeWriter, why: &str) {
    let tail = pieces.cut_short(why);
    if !tail.is_empty() {
        writer.send(&Uint8Array::from(tail.as_slice()));
    }
    writer.finish();
}

//! Drives a long download (an export) through a [`pipe`]: the next piece
//! is made only when the client has read enough for the pipe to have room,
//! so a download of any size holds about one piece. The download ends when
//! it is done, fails or is told to end (its slot was taken over, or the bin
//! went), and keeps its place until the client has read it all; it is
//! dropped at once when its client leaves or reads nothing for the stall
//! time, so it never waits for a reader for ever.

use super::js_stream::{pipe, PipeWriter};
use futures::channel::oneshot;
use futures::future::{select, Either};
use std::future::Future;
use std::time::Duration;
use worker::js_sys::{Promise, Uint8Array};
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

/// Why a wait ended.
enum Wait {
    /// What was waited for happened.
    Done,
    ClientLeft,
    Stalled,
    Cancelled(Cancel),
}

/// Waits for `event` (the writer's `ready` or `closed`) while the reader
/// makes progress: the stall time starts again whenever it has read more
/// since the last look, so a slow, steady reader is never cut, and one
/// that reads nothing for `stall` is.
async fn wait(writer: &PipeWriter, event: Promise, cancel: &mut oneshot::Receiver<Cancel>, stall: Duration) -> Wait {
    let mut event = Box::pin(JsFuture::from(event));
    let mut room = writer.desired_size();
    loop {
        let timed = select(&mut event, Box::pin(Delay::from(stall)));
        match select(timed, &mut *cancel).await {
            Either::Left((Either::Left((Ok(_), _)), _)) => return Wait::Done,
            Either::Left((Either::Left((Err(_), _)), _)) => return Wait::ClientLeft,
            Either::Left((Either::Right(_), _)) => {
                let now = writer.desired_size();
                if now.is_none() {
                    return Wait::ClientLeft;
                }
                if now <= room {
                    return Wait::Stalled;
                }
                room = now;
            }
            Either::Right((cancel, _)) => {
                return Wait::Cancelled(
                    cancel.unwrap_or_else(|_| Cancel { why: "export ended".into(), drop_queue: false }),
                )
            }
        }
    }
}

async fn pump<P: Pieces>(mut pieces: P, writer: PipeWriter, mut cancel: oneshot::Receiver<Cancel>, stall: Duration) {
    let told = loop {
        match wait(&writer, writer.ready(), &mut cancel, stall).await {
            Wait::Done => match pieces.next().await {
                Ok(Some(bytes)) => writer.send(&Uint8Array::from(bytes.as_slice())),
                Ok(None) => break false,
                Err(why) => {
                    end_short(&pieces, &writer, &why);
                    break false;
                }
            },
            Wait::ClientLeft => return,
            // Nobody reads: drop what waits rather than hold it for a reader that may never come.
            Wait::Stalled | Wait::Cancelled(Cancel { drop_queue: true, .. }) => return writer.terminate(),
            Wait::Cancelled(Cancel { why, .. }) => {
                end_short(&pieces, &writer, &why);
                break true;
            }
        }
    };
    writer.finish();
    // The document is written, but it keeps its place (slot, live count)
    // until its reader has read it all, or stalls. A cancel already heard
    // cannot be heard again, so that wait listens to one that never comes.
    let (_keep, mut never) = oneshot::channel();
    let ending = if told { &mut never } else { &mut cancel };
    if let Wait::Stalled | Wait::Cancelled(_) = wait(&writer, writer.closed(), ending, stall).await {
        writer.terminate();
    }
}

/// Writes the document's own sign that it was cut short, so the client can tell it is incomplete.
fn end_short(pieces: &impl Pieces, writer: &PipeWriter, why: &str) {
    let tail = pieces.cut_short(why);
    if !tail.is_empty() {
        writer.send(&Uint8Array::from(tail.as_slice()));
    }
}

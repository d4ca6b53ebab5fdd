//! The sender gets the owner's own app's answer: `polyhook listen --reply`
//! connects to the bin's socket as its one *responder*, and while it is
//! caught up each new capture, once stored, is pushed to it with a reply
//! slot; the sender waits (up to `REPLY_TIMEOUT_MS`) for the app's status,
//! headers and body, and otherwise gets the response rule's answer or the
//! 202. Either way the capture records who answered.
//!
//! | direction | message |
//! | --- | --- |
//! | server → responder | `{"type":"responder","id":null,"data":{"timeout_ms":N,"max_body_bytes":N}}` once it is seated |
//! | server → responder | a `request` message with `"reply_ms":N`: the sender waits for this capture's answer |
//! | responder → server | `{"type":"reply","seq":N,"status":S,"headers":[[name,value],...],"body_b64":"...","body_size":N}` |
//!
//! A reply is also the ack of capture N. One for a capture whose sender
//! was already answered (a fallback, or a capture from before) is recorded
//! against it as the app's late answer and goes nowhere else.

pub mod answer;
pub mod notices;
pub mod outcome;
pub mod ready;

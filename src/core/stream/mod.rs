//! The live SSE feed of a bin: framing, the event catalogue, where a
//! (re)connecting subscriber starts, its backlog, and the fan-out hub.

pub mod backlog;
pub mod catchup;
pub mod channels;
pub mod close;
pub mod events;
pub mod gate;
pub mod hub;
pub mod outlet;
pub mod resume;
pub mod socket;
pub mod sse;

//! Answering the sender the way the bin's owner says: response rules with
//! a status, headers, a body and a delay, chosen per capture after it is
//! stored, with use counts so "fail twice, then succeed" is two rules.

pub mod choose;
pub mod headers;
pub mod origin;
pub mod render;
pub mod rule;

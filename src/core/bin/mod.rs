//! A bin itself: its ids, its tokens, its record and lifetime, and the
//! order by which the Worker entry creates it inside its object.

pub mod create;
pub mod ids;
pub mod init;
pub mod meta;
pub mod ticket;
pub mod token;

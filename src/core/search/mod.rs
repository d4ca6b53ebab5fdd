//! Finding captures: the filters lists, streams and exports share, and the
//! bounded scan that pages through a bin for them.

pub mod filter;
pub mod scan;

//! Webhook signature verification: the verifiers a bin's owner sets, the
//! check each capture gets at ingest against its exact bytes and receive
//! time, and the outcome shown with the capture.

pub mod check;
pub mod mac;
pub mod outcome;
pub mod schemes;
pub mod sign;
pub mod verifier;

#[cfg(test)]
mod check_tests;

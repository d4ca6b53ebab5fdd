//! Small helpers shared by the object's SQL stores.

use crate::core::http::error::ApiError;
use worker::{SqlStorage, SqlStorageValue as V};

/// A storage failure as the service's error.
pub fn db(e: worker::Error) -> ApiError {
    ApiError::internal(format!("storage: {e}"))
}

/// An integer binding; sequence numbers stay below 2^53, so saturating is moot.
pub fn int(n: u64) -> V {
    V::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Runs `query` and deserialises every row.
pub fn rows<T: serde::de::DeserializeOwned>(sql: &SqlStorage, query: &str, args: Vec<V>) -> Result<Vec<T>, ApiError> {
    sql.exec(query, args).and_then(|c| c.to_array::<T>()).map_err(db)
}

/// Runs a statement whose rows are not needed.
pub fn run(sql: &SqlStorage, query: &str, args: Vec<V>) -> Result<(), ApiError> {
    sql.exec(query, args).map(|_| ()).map_err(db)
}

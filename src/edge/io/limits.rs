//! Asking a limiter object for a token of one of its budgets.

use super::respond::platform;
use crate::core::http::error::ApiError;
use crate::core::limits::bucket::Decision;
use crate::core::limits::budget::Budget;
use crate::edge::objects::ip_limiter::LIMITERS;
use worker::Env;

/// Takes one token of `budget` from the limiter object named `name` (a
/// client key, or `global`).
pub async fn take(env: &Env, name: &str, budget: Budget) -> Result<Decision, ApiError> {
    let namespace = env.durable_object(LIMITERS).map_err(platform("limiter namespace"))?;
    let stub = namespace.get_by_name(name).map_err(platform("limiter stub"))?;
    let url = format!("https://limiter{}", budget.path());
    let mut answer = stub.fetch_with_str(&url).await.map_err(platform("limiter"))?;
    answer.json().await.map_err(platform("limiter answer"))
}

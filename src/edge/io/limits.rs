//! Asking a limiter object for a token of one of its budgets.

use super::respond::platform;
use crate::core::http::error::ApiError;
use crate::core::limits::bucket::Decision;
use crate::core::limits::budget::Budget;
use crate::edge::objects::ip_limiter::{CLIENT_PARAM, LIMITERS};
use worker::Env;

/// Takes one token of `budget` from the limiter object named `name` (a
/// client key, or a `global` shard).
pub async fn take(env: &Env, name: &str, budget: Budget) -> Result<Decision, ApiError> {
    ask(env, name, &format!("https://limiter{}", budget.path())).await
}

/// Takes one bin creation for `client` from its `network`'s limiter, which
/// charges the client's bucket and the network's together; a client with
/// no network asks the limiter of its own key, for its own bucket only.
pub async fn take_creation(env: &Env, client: &str, network: Option<&str>) -> Result<Decision, ApiError> {
    let (name, budget) = match network {
        Some(network) => (network, Budget::CreatePrefix),
        None => (client, Budget::Create),
    };
    let query = form_urlencoded::Serializer::new(String::new()).append_pair(CLIENT_PARAM, client).finish();
    ask(env, name, &format!("https://limiter{}?{query}", budget.path())).await
}

async fn ask(env: &Env, name: &str, url: &str) -> Result<Decision, ApiError> {
    let namespace = env.durable_object(LIMITERS).map_err(platform("limiter namespace"))?;
    let stub = namespace.get_by_name(name).map_err(platform("limiter stub"))?;
    let mut answer = stub.fetch_with_str(url).await.map_err(platform("limiter"))?;
    answer.json().await.map_err(platform("limiter answer"))
}

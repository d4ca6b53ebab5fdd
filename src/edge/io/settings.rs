//! Reading the core [`Config`] out of the Worker's `[vars]`.

use super::platform_url;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use worker::Env;

/// Parses the configuration from `env`; unset vars take their defaults. A
/// `PUBLIC_URL` on an international host is taken in its ASCII form.
fn config(env: &Env) -> Result<Config, ApiError> {
    Config::from_lookup(|name| Some(env.var(name).ok()?.to_string()), platform_url::parse)
}

thread_local! {
    /// The isolate's config: vars cannot change while an isolate lives.
    static CACHED: std::cell::OnceCell<Result<Config, ApiError>> = const { std::cell::OnceCell::new() };
}

/// The config, parsed once per isolate and shared by the Worker entry and
/// every object in it: a bin's object is built again each time it wakes.
pub fn cached(env: &Env) -> Result<Config, ApiError> {
    CACHED.with(|cell| cell.get_or_init(|| config(env)).clone())
}

//! Reading the core [`Config`] out of the Worker's `[vars]`.

use crate::core::config::Config;
use crate::core::http::error::ApiError;
use worker::Env;

/// Parses the configuration from `env`; unset vars take their defaults.
pub fn config(env: &Env) -> Result<Config, ApiError> {
    Config::from_lookup(|name| env.var(name).ok().map(|v| v.to_string()))
}

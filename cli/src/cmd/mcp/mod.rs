//! `polyhook mcp`: a stdio Model Context Protocol server (the official Rust
//! SDK, `rmcp`) that lets an agent make a bin, wait for what arrives, read
//! it, set verifiers and answers, replay and delete. Every tool answers
//! structured JSON, or a tool error with the service's message; every call
//! has a deadline. No result ever holds a delete token or a verifier secret:
//! tools that need the delete token read it from the saved bin.

mod ops;
mod params;

use std::future::Future;
use std::time::Duration;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use serde_json::{json, Value};

use crate::args::McpArgs;
use crate::error::CliError;
use params::{BinOnly, CreateBin, GetRequest, ListRequests, Replay, SetResponses, SetVerifier, WaitFor};

/// Deadline of a tool call that does not wait.
const CALL_DEADLINE: Duration = Duration::from_secs(20);

/// The server: the service it talks to, and its tools.
#[derive(Clone)]
pub struct PolyhookMcp {
    base: Option<String>,
    tool_router: ToolRouter<Self>,
}

/// Serves MCP on stdin and stdout until the client closes them.
pub async fn run(args: McpArgs) -> Result<(), CliError> {
    let server = PolyhookMcp { base: args.base, tool_router: PolyhookMcp::tool_router() };
    let running =
        server.serve(rmcp::transport::stdio()).await.map_err(|e| CliError::fail(format!("mcp: cannot start: {e}")))?;
    running.waiting().await.map_err(|e| CliError::fail(format!("mcp: {e}")))?;
    Ok(())
}

/// A tool's outcome as MCP wants it: structured JSON, or a tool error with
/// the service's message, within `deadline`.
async fn answer(deadline: Duration, work: impl Future<Output = Result<Value, CliError>>) -> CallToolResult {
    match tokio::time::timeout(deadline, work).await {
        Ok(Ok(value)) => CallToolResult::structured(value),
        Ok(Err(e)) => CallToolResult::structured_error(json!({ "error": e.message })),
        Err(_) => {
            CallToolResult::structured_error(json!({ "error": format!("no answer within {} s", deadline.as_secs()) }))
        }
    }
}

#[tool_router(router = tool_router)]
impl PolyhookMcp {
    /// Make a webhook bin; its tokens are saved locally, never returned.
    #[tool(
        description = "Create a webhook bin and return its id and ingest URL (send webhooks there). Tokens are saved locally, never returned."
    )]
    async fn create_bin(&self, Parameters(p): Parameters<CreateBin>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::create_bin(self.base.as_deref(), p.private)).await
    }

    #[tool(
        description = "Wait for the first capture that matches (method, path, headers, verified) and return it with its signature check, or timed_out."
    )]
    async fn wait_for_request(&self, Parameters(p): Parameters<WaitFor>) -> CallToolResult {
        let timeout = Duration::from_secs(p.timeout_s.unwrap_or(30).clamp(1, 120));
        answer(timeout + CALL_DEADLINE, ops::wait_for(self.base.as_deref(), p, timeout)).await
    }

    #[tool(
        description = "List a bin's captures, newest first, with the same filters, plus q to search headers and bodies."
    )]
    async fn list_requests(&self, Parameters(p): Parameters<ListRequests>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::list(self.base.as_deref(), p)).await
    }

    #[tool(
        description = "One capture: method, path, query, headers, signature check, and its body (text, or base64 when it is not UTF-8; cut at max_body_bytes)."
    )]
    async fn get_request(&self, Parameters(p): Parameters<GetRequest>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::get(self.base.as_deref(), p)).await
    }

    #[tool(
        description = "Set the bin's signature verifier (github, stripe, standard, slack, hmac-sha256) with the sender's secret. The secret is never shown back."
    )]
    async fn set_verifier(&self, Parameters(p): Parameters<SetVerifier>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::set_verifier(self.base.as_deref(), p)).await
    }

    #[tool(
        description = "Set the bin's response rules: what senders are answered (status, headers, body), first match wins."
    )]
    async fn set_responses(&self, Parameters(p): Parameters<SetResponses>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::set_responses(self.base.as_deref(), p)).await
    }

    #[tool(
        description = "Have the service re-send one capture to a URL (with retries); returns the replay and its status."
    )]
    async fn replay(&self, Parameters(p): Parameters<Replay>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::replay(self.base.as_deref(), p)).await
    }

    #[tool(description = "Delete the bin and everything it captured.")]
    async fn delete_bin(&self, Parameters(p): Parameters<BinOnly>) -> CallToolResult {
        answer(CALL_DEADLINE, ops::delete(self.base.as_deref(), &p.bin)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for PolyhookMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::from_build_env())
            .with_instructions(
                "Webhook bins: create_bin, send webhooks to its ingest_url, then wait_for_request or \
                 list_requests and get_request; set_verifier checks signatures.",
            )
    }
}

//! The MCP client side: todo-mcp over Streamable HTTP, called with the user's own token, so
//! todo-mcp checks the identity again and the model never decides whose data it touches.
//!
//! todo-mcp is stateless: every request stands alone, so there is no handshake per turn. One
//! gateway per instance keeps one pool of kept-alive connections and the tool list, and sends
//! each `tools/call` as a single JSON-RPC POST (the message types are rmcp's).

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rmcp::model::{CallToolRequestParams, CallToolResult, ListToolsResult};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::model::ToolSpec;

const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a fetched tool list is used before it is fetched again (todo-mcp may have been
/// upgraded or restarted with other `--tools`); a call to an unknown tool refreshes it at once.
const TOOLS_TTL: Duration = Duration::from_secs(60);
/// The protocol version todo-mcp is asked to speak on bare requests.
const PROTOCOL_VERSION: &str = "2025-11-25";
/// todo-mcp's `_meta` key for calls made at most once (see todo-mcp's `tools.rs`).
const IDEMPOTENCY_KEY: &str = "io.todochatbot/idempotency-key";
/// JSON-RPC's "invalid params", which todo-mcp answers for a tool it does not have.
const INVALID_PARAMS: i64 = -32602;

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("the task service could not be reached: {0}")]
    Unreachable(String),
    #[error("the task service took too long to answer")]
    Timeout,
    #[error("the task service refused the request: {0}")]
    Protocol(String),
    /// 401/403: the two services do not share a secret. A configuration error, not a user's.
    #[error(
        "the task service rejected this service's token ({0}): BETTER_AUTH_SECRET differs between todo-chat and todo-mcp"
    )]
    Refused(u16),
}

/// The outcome of one tool call as the agent and the REST façade see it: the contract's JSON
/// result, or `{"error": "...", "code": "..."}` for a tool error.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolOutcome {
    pub is_error: bool,
    pub result: Value,
}

impl ToolOutcome {
    /// A tool error's machine-readable code (`not_found`, `invalid_argument`, ...).
    pub fn error_code(&self) -> Option<&str> {
        self.is_error
            .then(|| self.result["code"].as_str())
            .flatten()
    }

    pub fn error_message(&self) -> Option<&str> {
        self.is_error
            .then(|| self.result["error"].as_str())
            .flatten()
    }

    pub fn unknown_tool(name: &str, tools: &[ToolSpec]) -> Self {
        let known: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        let message = format!(
            "There is no tool named {name:?}; use one of: {}",
            known.join(", ")
        );
        Self {
            is_error: true,
            result: json!({ "error": message, "code": "invalid_argument" }),
        }
    }

    fn from_result(result: CallToolResult) -> Self {
        let text = result
            .content
            .first()
            .and_then(|c| c.as_text())
            .map(|t| t.text.as_str())
            .unwrap_or_default();
        if result.is_error == Some(true) {
            let code = result
                .structured_content
                .as_ref()
                .and_then(|s| s.get("code"))
                .cloned()
                .unwrap_or_else(|| json!("tool_error"));
            return Self {
                is_error: true,
                result: json!({ "error": text, "code": code }),
            };
        }
        let parsed = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
        Self {
            is_error: false,
            result: parsed,
        }
    }
}

/// Where todo-mcp is: one HTTP connection pool and the tool list, for the whole instance.
pub struct McpGateway {
    url: String,
    http: reqwest::Client,
    tools: Mutex<Option<(Instant, Arc<[ToolSpec]>)>>,
    next_id: AtomicU64,
    /// Set once a refusal has been logged, so a misconfiguration is loud but not a flood.
    refusal_logged: AtomicBool,
}

impl McpGateway {
    pub fn new(url: impl Into<String>) -> Result<Self, McpError> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .connect_timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| McpError::Unreachable(e.to_string()))?;
        Ok(Self {
            url: url.into(),
            http,
            tools: Mutex::new(None),
            next_id: AtomicU64::new(1),
            refusal_logged: AtomicBool::new(false),
        })
    }

    /// Calls made with `token` (the user's own), tagged with the request's id.
    pub fn session<'a>(&'a self, token: &'a str, request_id: &'a str) -> McpSession<'a> {
        McpSession {
            gateway: self,
            token,
            request_id,
        }
    }

    /// One JSON-RPC request, answered as JSON.
    async fn request<T: DeserializeOwned>(
        &self,
        token: &str,
        request_id: &str,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Result<T, (i64, String)>, McpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let sent = self
            .http
            .post(&self.url)
            .bearer_auth(token)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", PROTOCOL_VERSION)
            .header(todo_common::http::REQUEST_ID, request_id)
            .json(&body)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    McpError::Timeout
                } else {
                    McpError::Unreachable(e.to_string())
                }
            })?;
        let status = sent.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            let refused = McpError::Refused(status.as_u16());
            if !self.refusal_logged.swap(true, Ordering::Relaxed) {
                tracing::error!(error = %refused, url = %self.url, "CONFIGURATION ERROR: todo-mcp refuses todo-chat's tokens");
            }
            return Err(refused);
        }
        let answer: Value = sent.json().await.map_err(|e| {
            if e.is_timeout() {
                McpError::Timeout
            } else {
                McpError::Protocol(format!("HTTP {status}: {e}"))
            }
        })?;
        if let Some(error) = answer.get("error") {
            let code = error["code"].as_i64().unwrap_or_default();
            let message = error["message"].as_str().unwrap_or_default().to_owned();
            return Ok(Err((code, message)));
        }
        serde_json::from_value(answer["result"].clone())
            .map(Ok)
            .map_err(|e| McpError::Protocol(format!("unexpected {method} result: {e}")))
    }

    /// The tools' definitions for the model, shared by every turn (not copied for each), fetched
    /// again after [`TOOLS_TTL`] or when a call names a tool todo-mcp no longer has.
    pub async fn tools(&self, session: &McpSession<'_>) -> Result<Arc<[ToolSpec]>, McpError> {
        if let Some((fetched, tools)) = &*self.lock_tools()
            && fetched.elapsed() < TOOLS_TTL
        {
            return Ok(tools.clone());
        }
        let listed: ListToolsResult = self
            .request(
                session.token,
                session.request_id,
                "tools/list",
                json!({}),
                CALL_TIMEOUT,
            )
            .await?
            .map_err(|(code, message)| McpError::Protocol(format!("{code}: {message}")))?;
        let tools: Arc<[ToolSpec]> = listed
            .tools
            .into_iter()
            .map(|tool| ToolSpec {
                name: tool.name.to_string(),
                description: tool.description.map(|d| d.to_string()).unwrap_or_default(),
                parameters: Value::Object((*tool.input_schema).clone()),
            })
            .collect();
        *self.lock_tools() = Some((Instant::now(), tools.clone()));
        Ok(tools)
    }

    fn lock_tools(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<[ToolSpec]>)>> {
        self.tools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Readiness of todo-mcp as this service uses it: a `tools/list` signed with this
    /// service's key (`probe_token`) within `within`. `Err` says why not.
    pub async fn ready(&self, probe_token: &str, within: Duration) -> Result<(), McpError> {
        let listed = self
            .request::<ListToolsResult>(probe_token, "readyz", "tools/list", json!({}), within)
            .await?;
        listed
            .map(drop)
            .map_err(|(code, message)| McpError::Protocol(format!("{code}: {message}")))
    }
}

pub struct McpSession<'a> {
    gateway: &'a McpGateway,
    token: &'a str,
    request_id: &'a str,
}

impl McpSession<'_> {
    pub async fn call(&self, name: &str, arguments: Value) -> Result<ToolOutcome, McpError> {
        self.call_once(name, arguments, None).await
    }

    /// A call todo-mcp runs at most once per `key`: a repeat answers what the first did.
    pub async fn call_once(
        &self,
        name: &str,
        arguments: Value,
        key: Option<&str>,
    ) -> Result<ToolOutcome, McpError> {
        let arguments = match arguments {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        let mut params = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
        if let Some(key) = key {
            let mut meta = serde_json::Map::new();
            meta.insert(IDEMPOTENCY_KEY.to_owned(), Value::String(key.to_owned()));
            params.meta = Some(meta.into());
        }
        let params = serde_json::to_value(params).map_err(|e| McpError::Protocol(e.to_string()))?;
        let answered: Result<CallToolResult, _> = self
            .gateway
            .request(
                self.token,
                self.request_id,
                "tools/call",
                params,
                CALL_TIMEOUT,
            )
            .await?;
        match answered {
            Ok(result) => Ok(ToolOutcome::from_result(result)),
            Err((INVALID_PARAMS, message)) if message.contains(name) => {
                // Most likely a tool todo-mcp no longer offers: fetch the list again next time,
                // and let the model correct itself.
                *self.gateway.lock_tools() = None;
                Ok(ToolOutcome {
                    is_error: true,
                    result: json!({ "error": message, "code": "invalid_argument" }),
                })
            }
            Err((code, message)) => Err(McpError::Protocol(format!("{code}: {message}"))),
        }
    }
}

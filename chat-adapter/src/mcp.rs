//! The MCP client side: todo-mcp over Streamable HTTP, called with the user's own token, so
//! todo-mcp checks the identity again and the model never decides whose data it touches.

use std::time::Duration;

use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
    transport::{
        StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::model::ToolSpec;

const CALL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error("the task service could not be reached: {0}")]
    Unreachable(String),
    #[error("the task service took too long to answer")]
    Timeout,
    #[error("the task service refused the request: {0}")]
    Protocol(String),
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

/// Where todo-mcp is, with one HTTP connection pool and the tool list fetched once.
pub struct McpGateway {
    url: String,
    http: reqwest::Client,
    tools: OnceCell<Vec<ToolSpec>>,
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
            tools: OnceCell::new(),
        })
    }

    /// An MCP client acting with `token`, over the shared connection pool.
    pub async fn session(&self, token: &str) -> Result<McpSession, McpError> {
        let config =
            StreamableHttpClientTransportConfig::with_uri(self.url.as_str()).auth_header(token);
        let transport = StreamableHttpClientTransport::with_client(self.http.clone(), config);
        let client = tokio::time::timeout(CALL_TIMEOUT, ().serve(transport))
            .await
            .map_err(|_| McpError::Timeout)?
            .map_err(|e| McpError::Unreachable(e.to_string()))?;
        Ok(McpSession { client })
    }

    /// The tools' definitions for the model; they are fixed for a server version, so they are
    /// listed once and reused.
    pub async fn tools(&self, session: &McpSession) -> Result<&[ToolSpec], McpError> {
        let tools = self
            .tools
            .get_or_try_init(|| async {
                let listed = tokio::time::timeout(CALL_TIMEOUT, session.client.list_all_tools())
                    .await
                    .map_err(|_| McpError::Timeout)?
                    .map_err(|e| McpError::Protocol(e.to_string()))?;
                Ok::<_, McpError>(
                    listed
                        .into_iter()
                        .map(|tool| ToolSpec {
                            name: tool.name.to_string(),
                            description: tool
                                .description
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                            parameters: Value::Object((*tool.input_schema).clone()),
                        })
                        .collect(),
                )
            })
            .await?;
        Ok(tools)
    }

    /// `/readyz` of todo-mcp, next to its `/mcp` endpoint.
    pub async fn ready(&self) -> bool {
        let url = match self.url.rsplit_once("/mcp") {
            Some((base, _)) => format!("{base}/readyz"),
            None => format!("{}/readyz", self.url.trim_end_matches('/')),
        };
        let probe = self
            .http
            .get(url)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        probe.is_ok_and(|r| r.status().is_success())
    }
}

pub struct McpSession {
    client: RunningService<RoleClient, ()>,
}

impl McpSession {
    pub async fn call(&self, name: &str, arguments: Value) -> Result<ToolOutcome, McpError> {
        let arguments = match arguments {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        let request = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
        let result = tokio::time::timeout(CALL_TIMEOUT, self.client.call_tool(request))
            .await
            .map_err(|_| McpError::Timeout)?
            .map_err(|e| McpError::Protocol(e.to_string()))?;
        Ok(ToolOutcome::from_result(result))
    }

    pub async fn close(self) {
        let _ = self.client.cancel().await;
    }
}

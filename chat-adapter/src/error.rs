//! A failed request: one status and a sentence a person can act on, for every failure of the
//! chat service. The internal cause travels with it and is logged once, by the HTTP layer,
//! where the response is made and the request's id is known.

use std::time::Duration;

use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};
use todo_common::http::{self as h, Body};

use crate::{
    agent::{AgentError, ToolCallRecord},
    mcp::McpError,
    model::ModelError,
    store::StoreError,
};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// What the caller is told.
    pub detail: String,
    /// What went wrong inside, for the log only.
    pub cause: Option<String>,
    pub conversation_id: Option<i64>,
    /// Tool calls that did run before the turn failed.
    pub tool_calls: Vec<ToolCallRecord>,
    /// When to try again, for 429 and 503.
    pub retry_after: Option<Duration>,
}

pub type Result<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            cause: None,
            conversation_id: None,
            tool_calls: Vec::new(),
            retry_after: None,
        }
    }

    fn caused_by(mut self, cause: impl ToString) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    pub fn in_conversation(mut self, conversation: i64) -> Self {
        self.conversation_id = Some(conversation);
        self
    }

    /// The JSON body: `{"detail", "conversation_id"?, "tool_calls"?}`.
    pub fn body(&self) -> Value {
        let mut body = json!({ "detail": self.detail });
        if let Some(id) = self.conversation_id {
            body["conversation_id"] = json!(id);
        }
        if !self.tool_calls.is_empty() {
            body["tool_calls"] = json!(self.tool_calls);
        }
        body
    }

    pub fn into_response(self) -> Response<Body> {
        if self.status == StatusCode::UNAUTHORIZED {
            return h::unauthorized(self.detail);
        }
        let mut response = h::json(self.status, &self.body());
        if let Some(after) = self.retry_after {
            // Whole seconds, rounded up.
            let seconds = after.as_secs_f64().ceil().max(1.0).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The conversation database is unavailable right now; try again shortly.",
        )
        .caused_by(e)
        .retry_after(Duration::from_secs(2))
    }
}

impl From<McpError> for ApiError {
    fn from(e: McpError) -> Self {
        let (status, detail) = match &e {
            McpError::Unreachable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The task service can't be reached right now; try again shortly.",
            ),
            McpError::Timeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "The task service took too long to answer; try again.",
            ),
            McpError::Protocol(_) => (
                StatusCode::BAD_GATEWAY,
                "The task service gave an unexpected answer; try again.",
            ),
            McpError::Refused(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The chat service is misconfigured: the task service does not accept its tokens. \
                 An operator must give both services the same BETTER_AUTH_SECRET.",
            ),
        };
        Self::new(status, detail).caused_by(e)
    }
}

impl From<AgentError> for ApiError {
    fn from(e: AgentError) -> Self {
        match e {
            AgentError::Tools(e) => e.into(),
            AgentError::Storage(e) => e.into(),
            // Only a turn fails this way; its answer gets `Retry-After` where it is sent.
            AgentError::ToolsUnavailable(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The task database is unavailable right now; your message was saved, try again shortly.",
            )
            .caused_by(e),
            AgentError::Model(e) => {
                let (status, detail) = match &e {
                    ModelError::Unreachable(_) => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The assistant's language model can't be reached right now; your message was saved, try again shortly.",
                    ),
                    ModelError::Timeout => (
                        StatusCode::GATEWAY_TIMEOUT,
                        "The assistant's language model took too long to answer; your message was saved, try again.",
                    ),
                    ModelError::Upstream(_) | ModelError::Invalid(_) => (
                        StatusCode::BAD_GATEWAY,
                        "The assistant's language model returned an error; your message was saved, try again.",
                    ),
                };
                Self::new(status, detail).caused_by(e)
            }
            AgentError::Deadline => Self::new(
                StatusCode::GATEWAY_TIMEOUT,
                "The assistant ran out of time for this message. Any tool calls listed here did run; \
                 check the task list before trying again.",
            ),
            AgentError::Cancelled => Self::new(
                StatusCode::OK,
                "Stopped before finishing. Any tool calls listed here did run.",
            ),
        }
    }
}

//! What every model sees and says: the conversation so far (with earlier tool calls and their
//! results), the tool definitions from the MCP server, and back either tool calls or a reply.
//!
//! The agent loop is the same for every model: it sends the messages and tools, runs the tool
//! calls the model asks for against todo-mcp, appends the results, and asks again until the
//! model replies with text.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One message of the conversation, in the shape of OpenAI's Chat Completions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum ChatMessage {
    /// Instructions for the model.
    System {
        content: String,
    },
    User {
        content: String,
    },
    /// The model's turn: tool calls to run, or (with none) the reply to the user.
    Assistant {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
        /// What the model noted with its reply (see [`ModelTurn::Reply`]); never sent to a
        /// hosted model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memo: Option<Value>,
    },
    /// The result of one tool call, as the JSON text the MCP tool returned. A failed call's
    /// content is `{"error": "<the tool's message>"}`.
    Tool {
        tool_call_id: String,
        content: String,
    },
}

/// A call the model asks for. The agent loop always sets `user_id` in `arguments` to the
/// authenticated user before the call reaches todo-mcp, so a model may leave it out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: Value,
}

/// A tool as the MCP server lists it: name, description and JSON schema of its arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

/// The model's answer to one request.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelTurn {
    /// Run these tools (in order) and ask again with their results.
    ToolCalls(Vec<ToolCall>),
    /// The final reply to the user for this turn, with an optional memo: the model's own note
    /// about the conversation (an open question, the list it showed), stored with the reply
    /// and handed back with it in later turns' history. The model stays stateless.
    Reply { text: String, memo: Option<Value> },
}

impl ModelTurn {
    /// A reply with nothing to remember.
    pub fn reply(text: impl Into<String>) -> Self {
        Self::Reply {
            text: text.into(),
            memo: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model service could not be reached: {0}")]
    Unreachable(String),
    #[error("the model service took too long to answer")]
    Timeout,
    #[error("the model service answered with an error: {0}")]
    Upstream(String),
    #[error("the model's answer could not be understood: {0}")]
    Invalid(String),
}

/// Where a streaming model sends its reply's text as it is produced.
pub type TextSink<'a> = &'a (dyn Fn(&str) + Send + Sync);

pub trait Model: Send + Sync {
    /// The next step given the conversation so far. `messages` starts with the system message,
    /// then a bounded window of earlier turns (user messages, assistant tool calls, tool
    /// results, assistant replies), then this turn's user message and any tool calls and
    /// results of this turn so far.
    fn respond<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ModelTurn, ModelError>>;

    /// Like [`Model::respond`], sending a reply's text to `on_text` as it is produced; `true`
    /// with the answer when it did (a model that does not stream answers all at once, and the
    /// caller sends the text itself).
    fn respond_streaming<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
        on_text: TextSink<'a>,
    ) -> BoxFuture<'a, Result<(ModelTurn, bool), ModelError>> {
        let _ = on_text;
        Box::pin(async move { Ok((self.respond(messages, tools).await?, false)) })
    }

    /// A short name for logs and metrics, e.g. "offline" or "openai:gpt-4.1-mini".
    fn name(&self) -> String;
}

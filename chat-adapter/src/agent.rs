//! The agent loop: the same for every model. Ask the model; run the tool calls it wants
//! through todo-mcp; give it the results; repeat until it replies, within a step bound.

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use todo_common::identity::UserId;

use crate::{
    mcp::{McpError, McpSession, ToolOutcome},
    model::{ChatMessage, Model, ModelError, ModelTurn, ToolCall, ToolSpec},
};

/// Model round trips in one turn; a turn needing more is cut short with an apology.
const MAX_STEPS: usize = 8;

/// One MCP call of a turn, as the chat response and the stored history carry it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    pub name: String,
    pub arguments: Value,
    pub result: Value,
}

#[derive(Debug)]
pub struct Turn {
    pub reply: String,
    pub tool_calls: Vec<ToolCallRecord>,
    /// The model's note to itself, stored with the reply (see [`ModelTurn::Reply`]).
    pub memo: Option<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Tools(#[from] McpError),
}

/// A turn that failed part-way: the calls that did run are kept so the history stays true.
#[derive(Debug)]
pub struct AgentFailure {
    pub error: AgentError,
    pub tool_calls: Vec<ToolCallRecord>,
}

pub struct Agent {
    model: Arc<dyn Model>,
    model_timeout: Duration,
}

impl Agent {
    pub fn new(model: Arc<dyn Model>, model_timeout: Duration) -> Self {
        Self {
            model,
            model_timeout,
        }
    }

    pub fn model_name(&self) -> String {
        self.model.name()
    }

    pub async fn run(
        &self,
        mut messages: Vec<ChatMessage>,
        tools: &[ToolSpec],
        session: &McpSession,
        user: &UserId,
    ) -> Result<Turn, AgentFailure> {
        let mut records = Vec::new();
        for _ in 0..MAX_STEPS {
            let step =
                tokio::time::timeout(self.model_timeout, self.model.respond(&messages, tools))
                    .await;
            let turn = match step {
                Ok(Ok(turn)) => turn,
                Ok(Err(e)) => {
                    return Err(AgentFailure {
                        error: e.into(),
                        tool_calls: records,
                    });
                }
                Err(_) => {
                    return Err(AgentFailure {
                        error: ModelError::Timeout.into(),
                        tool_calls: records,
                    });
                }
            };
            let calls = match turn {
                ModelTurn::Reply { text, memo } => {
                    return Ok(Turn {
                        reply: text,
                        tool_calls: records,
                        memo,
                    });
                }
                ModelTurn::ToolCalls(calls) => calls,
            };
            let calls: Vec<ToolCall> = calls.into_iter().map(|call| for_user(call, user)).collect();
            messages.push(ChatMessage::Assistant {
                content: None,
                tool_calls: calls.clone(),
                memo: None,
            });
            for call in calls {
                // A tool the server does not offer is the model's mistake: it gets an error it
                // can correct, and the turn goes on.
                let outcome = if !tools.iter().any(|t| t.name == call.name) {
                    ToolOutcome::unknown_tool(&call.name, tools)
                } else {
                    match session.call(&call.name, call.arguments.clone()).await {
                        Ok(outcome) => outcome,
                        Err(e) => {
                            return Err(AgentFailure {
                                error: e.into(),
                                tool_calls: records,
                            });
                        }
                    }
                };
                messages.push(ChatMessage::Tool {
                    tool_call_id: call.id.clone(),
                    content: outcome.result.to_string(),
                });
                records.push(ToolCallRecord {
                    name: call.name,
                    arguments: call.arguments,
                    result: outcome.result,
                });
            }
        }
        Ok(Turn {
            reply: "Sorry, that took more steps than I can take in one go. Could you break it into smaller requests?"
                .to_owned(),
            tool_calls: records,
            memo: None,
        })
    }
}

/// Whatever `user_id` the model wrote, the call acts for the authenticated user.
fn for_user(mut call: ToolCall, user: &UserId) -> ToolCall {
    if !call.arguments.is_object() {
        call.arguments = Value::Object(serde_json::Map::new());
    }
    if let Some(map) = call.arguments.as_object_mut() {
        map.insert(
            "user_id".to_owned(),
            Value::String(user.as_str().to_owned()),
        );
    }
    call
}

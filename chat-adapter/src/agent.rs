//! The agent loop: the same for every model. Ask the model; run the tool calls it wants
//! through todo-mcp; give it the results; repeat until it replies, within a step bound.

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use todo_common::identity::UserId;
use tokio::{sync::mpsc::UnboundedSender, time::Instant};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    mcp::{McpError, McpSession, ToolOutcome},
    model::{ChatMessage, Model, ModelError, ModelTurn, ToolCall, ToolSpec},
};

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
    /// The reply's text already went out as it was produced (a streaming model).
    pub streamed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Tools(#[from] McpError),
    #[error(transparent)]
    Storage(#[from] crate::store::StoreError),
    /// A call made at most once (keyed) failed on the task database: the turn stops rather
    /// than tell the user a change failed that an earlier attempt may already have made.
    #[error("the task database failed a keyed {0} call")]
    ToolsUnavailable(String),
    #[error("the turn reached its deadline")]
    Deadline,
    #[error("the turn was stopped by the client")]
    Cancelled,
}

/// What a turn reports while it runs, for a streaming client.
#[derive(Clone, Debug)]
pub enum TurnEvent {
    /// The conversation the turn belongs to (first).
    Conversation(i64),
    /// A tool call that has run.
    ToolCall(ToolCallRecord),
    /// A piece of the reply; the pieces make up the whole reply.
    Text(String),
    /// The reply is stored as this assistant message (before the pieces of a reply that did
    /// not stream, after those of one that did).
    Replied(i64),
    /// The answer, exactly as the non-streaming response has it: status and JSON body (last).
    Finished(u16, Value),
}

/// What bounds and watches one turn.
#[derive(Clone, Debug)]
pub struct TurnControl {
    /// Every model and tool call of the turn ends by then.
    pub deadline: Instant,
    /// Set when the client goes away (the Stop button); checked before each step.
    pub cancel: CancellationToken,
    /// With a client message id: the prefix of each tool call's idempotency key, so a retried
    /// turn (after a crash) changes nothing twice. Steps and calls are numbered within the turn.
    pub call_keys: Option<String>,
    /// Where the turn's events go (a streaming client), if anywhere.
    pub progress: Option<UnboundedSender<TurnEvent>>,
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
    /// Model round trips in one turn; a turn needing more is cut short with an apology.
    max_steps: usize,
}

impl Agent {
    pub fn new(model: Arc<dyn Model>, model_timeout: Duration, max_steps: usize) -> Self {
        Self {
            model,
            model_timeout,
            max_steps,
        }
    }

    pub fn model_name(&self) -> String {
        self.model.name()
    }

    pub async fn run(
        &self,
        mut messages: Vec<ChatMessage>,
        tools: &[ToolSpec],
        session: &McpSession<'_>,
        user: &UserId,
        control: &TurnControl,
    ) -> Result<Turn, AgentFailure> {
        let mut records = Vec::new();
        let fail = |error: AgentError, records: Vec<ToolCallRecord>| AgentFailure {
            error,
            tool_calls: records,
        };
        for step in 0..self.max_steps {
            if control.cancel.is_cancelled() {
                return Err(fail(AgentError::Cancelled, records));
            }
            // The model's own timeout, or the turn's deadline if that comes first.
            let step_deadline = control.deadline.min(Instant::now() + self.model_timeout);
            let answer = match &control.progress {
                Some(progress) => {
                    let on_text = |text: &str| {
                        let _ = progress.send(TurnEvent::Text(text.to_owned()));
                    };
                    tokio::time::timeout_at(
                        step_deadline,
                        self.model.respond_streaming(&messages, tools, &on_text),
                    )
                    .instrument(tracing::info_span!("model", step))
                    .await
                }
                None => {
                    tokio::time::timeout_at(step_deadline, async {
                        Ok((self.model.respond(&messages, tools).await?, false))
                    })
                    .instrument(tracing::info_span!("model", step))
                    .await
                }
            };
            let (turn, streamed) = match answer {
                Ok(Ok(answer)) => answer,
                Ok(Err(e)) => return Err(fail(e.into(), records)),
                Err(_) if Instant::now() >= control.deadline => {
                    return Err(fail(AgentError::Deadline, records));
                }
                Err(_) => return Err(fail(ModelError::Timeout.into(), records)),
            };
            let calls = match turn {
                ModelTurn::Reply { text, memo } => {
                    return Ok(Turn {
                        reply: text,
                        tool_calls: records,
                        memo,
                        streamed,
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
            for (index, call) in calls.into_iter().enumerate() {
                if control.cancel.is_cancelled() {
                    return Err(fail(AgentError::Cancelled, records));
                }
                // A tool the server does not offer is the model's mistake: it gets an error it
                // can correct, and the turn goes on.
                let outcome = if !tools.iter().any(|t| t.name == call.name) {
                    ToolOutcome::unknown_tool(&call.name, tools)
                } else {
                    let key = control
                        .call_keys
                        .as_ref()
                        .map(|prefix| format!("{prefix}:{step}:{index}"));
                    let call_result = tokio::time::timeout_at(
                        control.deadline,
                        session.call_once(&call.name, call.arguments.clone(), key.as_deref()),
                    )
                    .instrument(tracing::info_span!("tool", name = %call.name))
                    .await;
                    match call_result {
                        // A retry of the turn replays the call by its key and learns what it
                        // really did; the model would only guess.
                        Ok(Ok(outcome))
                            if key.is_some() && outcome.error_code() == Some("unavailable") =>
                        {
                            return Err(fail(AgentError::ToolsUnavailable(call.name), records));
                        }
                        Ok(Ok(outcome)) => outcome,
                        Ok(Err(e)) => return Err(fail(e.into(), records)),
                        Err(_) => return Err(fail(AgentError::Deadline, records)),
                    }
                };
                messages.push(ChatMessage::Tool {
                    tool_call_id: call.id.clone(),
                    content: outcome.result.to_string(),
                });
                let record = ToolCallRecord {
                    name: call.name,
                    arguments: call.arguments,
                    result: outcome.result,
                };
                if let Some(progress) = &control.progress {
                    // A client that went away stops reading; the turn still records the call.
                    let _ = progress.send(TurnEvent::ToolCall(record.clone()));
                }
                records.push(record);
            }
        }
        Ok(Turn {
            reply: "Sorry, that took more steps than I can take in one go. Could you break it into smaller requests?"
                .to_owned(),
            tool_calls: records,
            memo: None,
            streamed: false,
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

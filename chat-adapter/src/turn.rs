//! One chat turn, from request to stored answer: start it (or find the earlier attempt of the
//! same client message), run the agent within the turn's deadline, store the reply and what a
//! retry gets, and report progress to a streaming client. The HTTP layer only chooses how the
//! answer is sent (JSON or Server-Sent Events).

use std::{sync::Arc, time::Duration};

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use todo_common::identity::UserId;
use tokio::{sync::mpsc::UnboundedSender, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{
    agent::{AgentError, AgentFailure, TurnControl, TurnEvent},
    error::{ApiError, Result},
    history,
    http::App,
    mcp::McpError,
    store::{Begin, Outcome, Reply},
};

/// The longest chat message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// The longest `client_message_id` accepted, in characters.
pub const MAX_CLIENT_MESSAGE_ID_CHARS: usize = 100;
/// A claimed turn older than its deadline plus this belongs to an attempt that died.
const STALE_GRACE: Duration = Duration::from_secs(5);

/// `POST /api/{user_id}/chat`'s body.
#[derive(Debug, Deserialize)]
pub struct ChatRequest {
    #[serde(default)]
    pub conversation_id: Option<i64>,
    pub message: String,
    /// The client's id for this message; a retry sends the same id and gets the first
    /// attempt's answer instead of a second run.
    #[serde(default)]
    pub client_message_id: Option<String>,
}

impl ChatRequest {
    /// Parses and checks the body; every problem is a 422 that says what to fix.
    pub fn parse(body: Value) -> Result<Self> {
        let unprocessable =
            |detail: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail);
        let mut request: Self = serde_json::from_value(body)
            .map_err(|e| unprocessable(format!("Invalid chat request: {e}.")))?;
        request.message = request.message.trim().to_owned();
        if request.message.is_empty() {
            return Err(unprocessable("The message must not be empty.".into()));
        }
        if request.message.chars().count() > MAX_MESSAGE_CHARS {
            return Err(unprocessable(format!(
                "The message is longer than {MAX_MESSAGE_CHARS} characters."
            )));
        }
        if let Some(id) = &request.client_message_id {
            let length = id.chars().count();
            if length == 0
                || length > MAX_CLIENT_MESSAGE_ID_CHARS
                || id.chars().any(char::is_control)
            {
                return Err(unprocessable(format!(
                    "client_message_id must be 1 to {MAX_CLIENT_MESSAGE_ID_CHARS} printable characters."
                )));
            }
        }
        Ok(request)
    }
}

/// How a turn starts.
pub enum Start {
    /// An earlier attempt of this client message finished: its answer, again.
    Replay { status: StatusCode, body: Value },
    /// The user message is stored; run the turn.
    Run(PendingTurn),
}

/// A started turn, owned by the task that runs it.
pub struct PendingTurn {
    user: UserId,
    conversation: i64,
    /// Created by this turn: no message precedes its user message, so no history is read.
    new_conversation: bool,
    user_message: i64,
    message: String,
    client_message_id: Option<String>,
}

/// Starts the turn: 404 for a conversation that is not the user's, 409 while an earlier
/// attempt of the same client message is still running.
pub async fn start(app: &App, user: &UserId, request: ChatRequest) -> Result<Start> {
    let stale_after = chrono::Duration::from_std(app.settings.turn_deadline + STALE_GRACE)
        .unwrap_or(chrono::Duration::MAX);
    let begun = app
        .store
        .begin_turn(
            user,
            request.conversation_id,
            &request.message,
            request.client_message_id.as_deref(),
            stale_after,
            app.settings.max_conversations,
        )
        .await?;
    match begun {
        Begin::Run {
            conversation,
            new_conversation,
            user_message,
        } => Ok(Start::Run(PendingTurn {
            user: user.clone(),
            conversation,
            new_conversation,
            user_message,
            message: request.message,
            client_message_id: request.client_message_id,
        })),
        Begin::Finished { status, answer } => Ok(Start::Replay {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body: answer,
        }),
        Begin::Running => Err(ApiError::new(
            StatusCode::CONFLICT,
            "This message is still being answered; try again in a moment.",
        )
        .retry_after(Duration::from_secs(1))),
        Begin::TooManyConversations => Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "You have {} conversations, the most one user can keep; delete one to start another, or continue an existing one.",
                app.settings.max_conversations
            ),
        )),
        Begin::NoSuchConversation => Err(conversation_not_found(
            &request.conversation_id.unwrap_or_default().to_string(),
        )),
    }
}

pub fn conversation_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("Conversation {id} not found."),
    )
}

/// Runs a conversation's turn again from one of its user messages (ChatKit's retry): every
/// later message is deleted, and the turn answers the stored message anew. 404 when the
/// message is not a user message of the user's conversation.
pub async fn rewind(
    app: &App,
    user: &UserId,
    conversation: i64,
    user_message: i64,
) -> Result<PendingTurn> {
    match app
        .store
        .rewind_to(user, conversation, user_message)
        .await?
    {
        Some(message) => Ok(PendingTurn {
            user: user.clone(),
            conversation,
            new_conversation: false,
            user_message,
            message,
            client_message_id: None,
        }),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("Message {user_message} is not a user message of this conversation."),
        )),
    }
}

impl PendingTurn {
    pub fn conversation(&self) -> i64 {
        self.conversation
    }

    /// The stored user message the turn answers.
    pub fn user_message(&self) -> (i64, &str) {
        (self.user_message, &self.message)
    }

    /// Runs the turn to its end and stores it, whatever happens to the client, and returns
    /// the answer (also sent as the last event). `cancel` stops it before its next step.
    pub async fn run(
        self,
        app: Arc<App>,
        token: String,
        request_id: String,
        events: Option<UnboundedSender<TurnEvent>>,
        cancel: CancellationToken,
    ) -> (StatusCode, Value) {
        let started = std::time::Instant::now();
        let emit = |event: TurnEvent| {
            if let Some(events) = &events {
                let _ = events.send(event);
            }
        };
        emit(TurnEvent::Conversation(self.conversation));
        let control = TurnControl {
            deadline: Instant::now() + app.settings.turn_deadline,
            cancel,
            call_keys: self
                .client_message_id
                .as_ref()
                .map(|id| format!("turn:{id}")),
            progress: events.clone(),
        };
        let outcome = self.agent_turn(&app, &token, &request_id, &control).await;
        let (status, body) = match outcome {
            Ok(turn) => {
                let reply = Reply {
                    content: &turn.reply,
                    tool_calls: &turn.tool_calls,
                    memo: turn.memo.as_ref(),
                };
                match self.answer(&app, reply).await {
                    Ok((body, message)) => {
                        emit(TurnEvent::Replied(message));
                        app.metrics.record_turn(
                            "ok",
                            started.elapsed(),
                            turn.tool_calls.iter().map(|c| c.name.clone()),
                        );
                        // A model that does not stream (the offline one) sends its reply
                        // sentence by sentence once it is stored.
                        if !turn.streamed {
                            for piece in sentences(&turn.reply) {
                                emit(TurnEvent::Text(piece.to_owned()));
                            }
                        }
                        (StatusCode::OK, body)
                    }
                    Err(e) => self.failed(&request_id, e),
                }
            }
            Err(failure) => {
                app.metrics.record_turn(
                    "error",
                    started.elapsed(),
                    failure.tool_calls.iter().map(|c| c.name.clone()),
                );
                self.record_failure(&app, &request_id, failure).await
            }
        };
        emit(TurnEvent::Finished(status.as_u16(), body.clone()));
        (status, body)
    }

    async fn agent_turn(
        &self,
        app: &App,
        token: &str,
        request_id: &str,
        control: &TurnControl,
    ) -> std::result::Result<crate::agent::Turn, AgentFailure> {
        let no_calls = |error: AgentError| AgentFailure {
            error,
            tool_calls: Vec::new(),
        };
        let stored = match self.new_conversation {
            true => Vec::new(),
            false => app
                .store
                .recent_messages(
                    &self.user,
                    self.conversation,
                    history::WINDOW,
                    Some(self.user_message),
                )
                .await
                .map_err(|e| no_calls(AgentError::Storage(e)))?,
        };
        let messages = history::build(&stored, &self.message);
        let session = app.gateway.session(token, request_id);
        let tools = app
            .gateway
            .tools(&session)
            .await
            .map_err(|e| no_calls(e.into()))?;
        app.agent
            .run(messages, &tools, &session, &self.user, control)
            .await
    }

    /// Records a failed turn so the history says what really happened: calls that ran are
    /// stored with the failure as the reply, and a retry gets the same answer; a turn that
    /// changed nothing, or whose calls a retry replays by their keys, may simply run again.
    async fn record_failure(
        &self,
        app: &App,
        request_id: &str,
        failure: AgentFailure,
    ) -> (StatusCode, Value) {
        let stopped = matches!(failure.error, AgentError::Cancelled);
        // Every call of a turn with a client message id is keyed, so a retry replays the
        // calls that ran (changing nothing twice) and carries on where a passing outage
        // stopped this attempt; recorded as final, the outage would be its answer for good.
        let replayable = self.client_message_id.is_some()
            && matches!(
                failure.error,
                AgentError::ToolsUnavailable(_)
                    | AgentError::Tools(McpError::Unreachable(_))
                    | AgentError::Storage(_)
            );
        let mut error = ApiError::from(failure.error).in_conversation(self.conversation);
        error.tool_calls = failure.tool_calls;
        if stopped {
            let reply = Reply {
                content: &error.detail,
                tool_calls: &error.tool_calls,
                memo: None,
            };
            return match self.answer(app, reply).await {
                Ok((body, _)) => (StatusCode::OK, body),
                Err(e) => self.failed(request_id, e),
            };
        }
        let body = error.body();
        let stored = if error.tool_calls.is_empty() || replayable {
            self.retryable(app).await
        } else {
            let reply = Reply {
                content: &error.detail,
                tool_calls: &error.tool_calls,
                memo: None,
            };
            self.finish(app, Some(reply), error.status, &body)
                .await
                .map(|_| ())
        };
        if let Err(e) = stored {
            tracing::warn!(request_id, cause = ?e.cause, "could not record a failed turn");
        }
        tracing::warn!(
            request_id,
            status = error.status.as_u16(),
            cause = error.cause.as_deref().unwrap_or(&error.detail),
            "chat turn failed"
        );
        (error.status, body)
    }

    /// Stores `reply` as the turn's 200 answer and returns that answer's body and the stored
    /// assistant message's id.
    async fn answer(&self, app: &App, reply: Reply<'_>) -> Result<(Value, i64)> {
        let body = json!({
            "conversation_id": self.conversation,
            "response": reply.content,
            "tool_calls": reply.tool_calls,
        });
        let message = self.finish(app, Some(reply), StatusCode::OK, &body).await?;
        Ok((body, message.unwrap_or_default()))
    }

    /// Stores the turn's end; the assistant message's id when there is a reply.
    async fn finish(
        &self,
        app: &App,
        reply: Option<Reply<'_>>,
        status: StatusCode,
        body: &Value,
    ) -> Result<Option<i64>> {
        let claim = self.client_message_id.as_deref().map(|id| {
            (
                id,
                Outcome::Answered {
                    status: status.as_u16(),
                    answer: body,
                },
            )
        });
        Ok(app
            .store
            .finish_turn(&self.user, self.conversation, reply, claim)
            .await?)
    }

    async fn retryable(&self, app: &App) -> Result<()> {
        let claim = self
            .client_message_id
            .as_deref()
            .map(|id| (id, Outcome::Retryable));
        app.store
            .finish_turn(&self.user, self.conversation, None, claim)
            .await?;
        Ok(())
    }

    fn failed(&self, request_id: &str, error: ApiError) -> (StatusCode, Value) {
        tracing::warn!(request_id, cause = ?error.cause, "could not store a chat turn");
        let error = error.in_conversation(self.conversation);
        (error.status, error.body())
    }
}

/// The reply in sentence-sized pieces for a streaming client; together they are the reply.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .zip(rest.chars().skip(1).chain(std::iter::once(' ')))
            .find(|((_, c), next)| {
                *c == '\n' || (matches!(c, '.' | '!' | '?') && next.is_whitespace())
            })
            .map_or(rest.len(), |((i, c), _)| {
                let after = i + c.len_utf8();
                // Keep the whitespace after a sentence with it.
                after + rest[after..].len() - rest[after..].trim_start().len()
            });
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_make_up_the_reply() {
        let reply = "Added 'Buy milk' (task 3). You have 2 pending tasks:\n1. a\n2. b? Done!";
        let pieces: Vec<&str> = sentences(reply).collect();
        assert_eq!(pieces.concat(), reply);
        assert_eq!(pieces[0], "Added 'Buy milk' (task 3). ");
        assert!(pieces.len() >= 4, "{pieces:?}");
        assert_eq!(sentences("").count(), 0);
        assert_eq!(
            sentences("v1.2 is out").collect::<Vec<_>>(),
            ["v1.2 is out"]
        );
    }

    #[test]
    fn requests_are_checked() {
        let ok = ChatRequest::parse(json!({"message": "  hi  ", "client_message_id": "a-1"}));
        assert_eq!(ok.unwrap().message, "hi");
        for bad in [
            json!({"message": " "}),
            json!({"message": "hi", "client_message_id": ""}),
            json!({"message": "hi", "client_message_id": "x".repeat(101)}),
            json!({"message": "hi", "client_message_id": "a\nb"}),
        ] {
            let error = ChatRequest::parse(bad.clone()).expect_err("refused");
            assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
    }
}

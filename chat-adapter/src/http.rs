//! The HTTP layer: routing, authentication (401/403), request limits, and the mapping of
//! every failure to one status and a sentence a person can act on.

use std::{sync::Arc, time::Instant};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::{Value, json};
use todo_common::{
    http::{self as h, Body},
    identity::{JwtKeys, UserId, bearer_token},
};

use crate::{
    agent::{Agent, AgentError, ToolCallRecord},
    history,
    mcp::{McpError, McpGateway, ToolOutcome},
    metrics::Metrics,
    model::ModelError,
    store::{ChatStore, Role, StoreError},
};

const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest chat message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

pub struct App {
    pub keys: JwtKeys,
    pub store: ChatStore,
    pub gateway: McpGateway,
    pub agent: Agent,
    pub metrics: Metrics,
}

/// A failed request: its status and what to tell the caller.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    detail: String,
    conversation_id: Option<i64>,
}

impl ApiError {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            conversation_id: None,
        }
    }

    fn into_response(self) -> Response<Body> {
        if self.status == StatusCode::UNAUTHORIZED {
            return h::unauthorized(self.detail);
        }
        let mut body = json!({ "detail": self.detail });
        if let Some(id) = self.conversation_id {
            body["conversation_id"] = json!(id);
        }
        h::json(self.status, &body)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(error = %e, "conversation store failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The conversation database is unavailable right now; try again shortly.",
        )
    }
}

impl From<McpError> for ApiError {
    fn from(e: McpError) -> Self {
        tracing::warn!(error = %e, "task service failed");
        let (status, detail) = match e {
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
        };
        Self::new(status, detail)
    }
}

impl From<AgentError> for ApiError {
    fn from(e: AgentError) -> Self {
        match e {
            AgentError::Tools(e) => e.into(),
            AgentError::Model(e) => {
                tracing::warn!(error = %e, "model failed");
                let (status, detail) = match e {
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
                Self::new(status, detail)
            }
        }
    }
}

type Result<T> = std::result::Result<T, ApiError>;

pub async fn route(app: Arc<App>, request: Request<Incoming>) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (request.method(), segments.as_slice()) {
        (&Method::GET, ["healthz"]) => h::text(StatusCode::OK, "ok"),
        (&Method::GET, ["readyz"]) => {
            let (db, mcp) = tokio::join!(app.store.db().ping(), app.gateway.ready());
            match (db, mcp) {
                (Ok(()), true) => h::text(StatusCode::OK, "ready"),
                (Err(_), _) => h::text(StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
                (_, false) => h::text(StatusCode::SERVICE_UNAVAILABLE, "task service unreachable"),
            }
        }
        (&Method::GET, ["metrics"]) => h::metrics(app.metrics.registry()),
        (_, ["api", user, rest @ ..]) => {
            let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
            let user = (*user).to_owned();
            api(&app, request, &user, &rest)
                .await
                .unwrap_or_else(ApiError::into_response)
        }
        _ => h::error(StatusCode::NOT_FOUND, "No such endpoint."),
    }
}

async fn api(
    app: &App,
    request: Request<Incoming>,
    path_user: &str,
    rest: &[String],
) -> Result<Response<Body>> {
    let caller = app
        .keys
        .verify_headers(request.headers())
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, format!("Sign in again: {e}.")))?;
    if caller.as_str() != path_user {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "This token belongs to another user.",
        ));
    }
    let token = bearer_token(request.headers())
        .unwrap_or_default()
        .to_owned();
    let method = request.method().clone();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (method, rest.as_slice()) {
        (Method::POST, ["chat"]) => chat(app, &caller, &token, read_json(request).await?).await,
        (Method::GET, ["tasks"]) => {
            let status = query_param(&query, "status").unwrap_or_else(|| "all".to_owned());
            let listed = task_tool(
                app,
                &token,
                "list_tasks",
                json!({ "user_id": caller.as_str(), "status": status }),
            )
            .await?;
            // list_tasks answers `{"tasks": [...]}`; the REST list stays a plain array.
            Ok(h::json(StatusCode::OK, &listed["tasks"]))
        }
        (Method::POST, ["tasks"]) => {
            let body = read_json(request).await?;
            let args = json!({ "user_id": caller.as_str(), "title": body.get("title").cloned().unwrap_or(Value::Null), "description": body.get("description").cloned().unwrap_or(Value::Null) });
            let result = task_tool(app, &token, "add_task", without_nulls(args)).await?;
            Ok(h::json(StatusCode::CREATED, &result["task"]))
        }
        (Method::PUT, ["tasks", id]) => {
            let id = task_id(id)?;
            let body = read_json(request).await?;
            let args = json!({ "user_id": caller.as_str(), "task_id": id, "title": body.get("title").cloned().unwrap_or(Value::Null), "description": body.get("description").cloned().unwrap_or(Value::Null), "completed": body.get("completed").cloned().unwrap_or(Value::Null) });
            let result = task_tool(app, &token, "update_task", without_nulls(args)).await?;
            Ok(h::json(StatusCode::OK, &result["task"]))
        }
        (Method::PATCH, ["tasks", id, "complete"]) => {
            let args = json!({ "user_id": caller.as_str(), "task_id": task_id(id)? });
            let result = task_tool(app, &token, "complete_task", args).await?;
            Ok(h::json(StatusCode::OK, &result["task"]))
        }
        (Method::DELETE, ["tasks", id]) => {
            let args = json!({ "user_id": caller.as_str(), "task_id": task_id(id)? });
            task_tool(app, &token, "delete_task", args).await?;
            Ok(h::empty(StatusCode::NO_CONTENT))
        }
        (Method::GET, ["conversations"]) => Ok(h::json(
            StatusCode::OK,
            &app.store.conversations(&caller).await?,
        )),
        (Method::GET, ["conversations", id, "messages"]) => {
            let id = id.parse::<i64>().map_err(|_| conversation_not_found(id))?;
            if !app.store.owns_conversation(&caller, id).await? {
                return Err(conversation_not_found(&id.to_string()));
            }
            let messages: Vec<Value> = app
                .store
                .messages(&caller, id)
                .await?
                .into_iter()
                .map(|m| {
                    let calls = m.tool_calls();
                    let mut entry =
                        json!({ "role": m.role, "content": m.content, "created_at": m.created_at });
                    if !calls.is_empty() {
                        entry["tool_calls"] = json!(calls);
                    }
                    entry
                })
                .collect();
            Ok(h::json(StatusCode::OK, &messages))
        }
        _ => Err(ApiError::new(StatusCode::NOT_FOUND, "No such endpoint.")),
    }
}

#[derive(Deserialize)]
struct ChatRequest {
    #[serde(default)]
    conversation_id: Option<i64>,
    message: String,
}

/// The stateless cycle: load the history, store the user's message, run the agent, store the
/// reply, answer. Nothing survives in memory between requests.
async fn chat(app: &App, user: &UserId, token: &str, body: Value) -> Result<Response<Body>> {
    let started = Instant::now();
    let request: ChatRequest = serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Invalid chat request: {e}."),
        )
    })?;
    let message = request.message.trim();
    if message.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The message must not be empty.",
        ));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The message is longer than {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    let conversation = match request.conversation_id {
        Some(id) if app.store.owns_conversation(user, id).await? => id,
        Some(id) => return Err(conversation_not_found(&id.to_string())),
        None => app.store.create_conversation(user).await?,
    };
    let stored = app
        .store
        .recent_messages(user, conversation, history::WINDOW)
        .await?;
    app.store
        .append(user, conversation, Role::User, message, &[], None)
        .await?;
    let messages = history::build(&stored, message);

    let in_conversation = |mut e: ApiError| {
        e.conversation_id = Some(conversation);
        e
    };
    let session = app
        .gateway
        .session(token)
        .await
        .map_err(|e| in_conversation(e.into()))?;
    let outcome = match app.gateway.tools(&session).await {
        Ok(tools) => app.agent.run(messages, tools, &session, user).await,
        Err(e) => {
            session.close().await;
            return Err(in_conversation(e.into()));
        }
    };
    session.close().await;
    match outcome {
        Ok(turn) => {
            app.store
                .append(
                    user,
                    conversation,
                    Role::Assistant,
                    &turn.reply,
                    &turn.tool_calls,
                    turn.memo.as_ref(),
                )
                .await?;
            app.metrics.record_turn(
                "ok",
                started.elapsed(),
                turn.tool_calls.iter().map(|c| c.name.clone()),
            );
            Ok(h::json(
                StatusCode::OK,
                &json!({ "conversation_id": conversation, "response": turn.reply, "tool_calls": turn.tool_calls }),
            ))
        }
        Err(failure) => {
            let error = in_conversation(failure.error.into());
            // Calls that did run are recorded, so the history says what really happened.
            if !failure.tool_calls.is_empty() {
                record_partial(app, user, conversation, &error.detail, &failure.tool_calls).await;
            }
            app.metrics.record_turn(
                "error",
                started.elapsed(),
                failure.tool_calls.iter().map(|c| c.name.clone()),
            );
            Err(error)
        }
    }
}

async fn record_partial(
    app: &App,
    user: &UserId,
    conversation: i64,
    detail: &str,
    calls: &[ToolCallRecord],
) {
    if let Err(e) = app
        .store
        .append(user, conversation, Role::Assistant, detail, calls, None)
        .await
    {
        tracing::warn!(error = %e, "could not record a failed turn's tool calls");
    }
}

/// A task route's tool call: a tool error becomes the matching HTTP status.
async fn task_tool(app: &App, token: &str, tool: &str, args: Value) -> Result<Value> {
    let session = app.gateway.session(token).await?;
    let outcome = session.call(tool, args).await;
    session.close().await;
    let outcome: ToolOutcome = outcome?;
    if !outcome.is_error {
        return Ok(outcome.result);
    }
    let status = match outcome.error_code() {
        Some("not_found") => StatusCode::NOT_FOUND,
        Some("invalid_argument") => StatusCode::UNPROCESSABLE_ENTITY,
        Some("permission_denied") => StatusCode::FORBIDDEN,
        Some("unavailable") => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_GATEWAY,
    };
    Err(ApiError::new(
        status,
        outcome
            .error_message()
            .unwrap_or("The task service failed."),
    ))
}

async fn read_json(request: Request<Incoming>) -> Result<Value> {
    let bytes: Bytes = Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
            )
        })?
        .to_bytes();
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The body must be JSON: {e}."),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The body must be a JSON object.",
        ));
    }
    Ok(value)
}

fn without_nulls(mut args: Value) -> Value {
    if let Some(map) = args.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    args
}

fn task_id(raw: &str) -> Result<i64> {
    raw.parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Task id {raw:?} is not a number."),
        )
    })
}

fn conversation_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("Conversation {id} not found."),
    )
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

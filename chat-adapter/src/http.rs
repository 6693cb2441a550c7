//! The HTTP layer: request ids and the access log, routing, authentication (401/403), request
//! limits, readiness, and how a turn's answer is sent (JSON, or Server-Sent Events when the
//! client asks for `text/event-stream`).

use std::{convert::Infallible, num::NonZeroU32, sync::Arc, time::Duration};

use bytes::Bytes;
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use serde_json::{Value, json};
use todo_common::{
    database::Migrations,
    http::{self as h, Body},
    identity::{JwtKeys, UserId, bearer_token},
};
use tokio::{sync::mpsc, time::Instant};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    agent::{Agent, TurnEvent},
    error::{ApiError, Result},
    mcp::{McpGateway, ToolOutcome},
    metrics::Metrics,
    store::ChatStore,
    turn::{self, ChatRequest, PendingTurn, Start},
};

const MAX_BODY_BYTES: usize = 64 * 1024;
/// `/readyz` answers within this, whatever the database or todo-mcp do.
const READY_WITHIN: Duration = Duration::from_millis(200);
/// The user id of the readiness probe's token (it lists tools, and touches no data).
const PROBE_USER: &str = "todo-chat-readiness-probe";
/// Page sizes of the conversation and message lists.
const DEFAULT_PAGE: i64 = 100;
const MAX_PAGE: i64 = 500;
pub(crate) const MAX_TITLE_CHARS: usize = 200;

/// Settings of the chat path (see `main.rs` for their flags and defaults).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Every model and tool call of a turn ends by then; the turn then answers 504.
    pub turn_deadline: Duration,
    /// Chat turns one user may start per minute on one instance (a burst of as many).
    pub turns_per_minute: u32,
    /// Conversations one user may keep.
    pub max_conversations: i64,
}

/// Per-user turn rates, kept in memory by each instance.
pub struct TurnRate {
    limiter: DefaultKeyedRateLimiter<String>,
}

/// Users tracked before idle ones are forgotten.
const RATE_TRACKED_USERS: usize = 10_000;

impl TurnRate {
    pub fn per_minute(turns: u32) -> Self {
        let turns = NonZeroU32::new(turns).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(turns)),
        }
    }

    /// `Err(wait)` when the user must wait before another turn.
    fn check(&self, user: &UserId) -> std::result::Result<(), Duration> {
        if self.limiter.len() > RATE_TRACKED_USERS {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&user.as_str().to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

pub struct App {
    pub keys: JwtKeys,
    pub store: ChatStore,
    pub migrations: &'static Migrations,
    pub gateway: McpGateway,
    pub agent: Agent,
    pub metrics: Metrics,
    pub settings: Settings,
    pub turn_rate: TurnRate,
}

impl App {
    /// 429 when the user starts turns faster than the per-user rate.
    pub fn admit_turn(&self, user: &UserId) -> Result<()> {
        self.turn_rate.check(user).map_err(|wait| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "You are sending messages faster than {} a minute; wait a moment.",
                    self.settings.turns_per_minute
                ),
            )
            .retry_after(wait)
        })
    }
}

/// What the access log says about a request beyond its method and status.
#[derive(Default)]
struct Seen {
    route: &'static str,
    user: Option<UserId>,
}

/// Serves one request: gives it an id (the client's `X-Request-Id`, or a new one), returns the
/// id, and writes one access log line.
pub async fn route(app: Arc<App>, request: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let request_id = h::request_id(request.headers());
    let method = request.method().clone();
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut seen = Seen::default();
    let response = dispatch(app, request, &request_id, &mut seen)
        .instrument(span)
        .await;
    let response = h::with_request_id(response, &request_id);
    tracing::info!(
        request_id,
        method = %method,
        route = seen.route,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        user = seen.user.as_ref().map(UserId::as_str),
        "request"
    );
    response
}

async fn dispatch(
    app: Arc<App>,
    request: Request<Incoming>,
    request_id: &str,
    seen: &mut Seen,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (request.method(), segments.as_slice()) {
        (&Method::GET, ["healthz" | "livez"]) => {
            seen.route = "/livez";
            h::text(StatusCode::OK, "ok")
        }
        (&Method::GET, ["readyz"]) => {
            seen.route = "/readyz";
            readiness(&app).await
        }
        (&Method::GET, ["metrics"]) => {
            seen.route = "/metrics";
            h::metrics(app.metrics.registry())
        }
        (&Method::POST, ["chatkit"]) => {
            seen.route = "/chatkit";
            chatkit(app, request, request_id, seen)
                .await
                .unwrap_or_else(|error| failed(request_id, error))
        }
        (_, ["api", user, rest @ ..]) => {
            let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
            let user = (*user).to_owned();
            api(app, request, &user, &rest, request_id, seen)
                .await
                .unwrap_or_else(|error| failed(request_id, error))
        }
        _ => h::error(StatusCode::NOT_FOUND, "No such endpoint."),
    }
}

/// The error's response; a server-side failure is logged here, once, with its cause.
fn failed(request_id: &str, error: ApiError) -> Response<Body> {
    if error.status.is_server_error() {
        tracing::warn!(
            request_id,
            status = error.status.as_u16(),
            cause = error.cause.as_deref().unwrap_or(&error.detail),
            "request failed"
        );
    }
    error.into_response()
}

/// The caller of a request and its bearer token, which calls to todo-mcp carry (401 without a
/// valid one).
fn authenticate(
    app: &App,
    request: &Request<Incoming>,
    seen: &mut Seen,
) -> Result<(UserId, String)> {
    let caller = app
        .keys
        .verify_headers(request.headers())
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, format!("Sign in again: {e}.")))?;
    seen.user = Some(caller.clone());
    let token = bearer_token(request.headers())
        .unwrap_or_default()
        .to_owned();
    Ok((caller, token))
}

/// `POST /chatkit`: ChatKit's server protocol for the token's user (see `chatkit`).
async fn chatkit(
    app: Arc<App>,
    request: Request<Incoming>,
    request_id: &str,
    seen: &mut Seen,
) -> Result<Response<Body>> {
    let (caller, token) = authenticate(&app, &request, seen)?;
    let body = read_json(request).await?;
    crate::chatkit::serve(app, caller, token, request_id.to_owned(), body).await
}

/// Ready when the database answers with the schema this version needs and todo-mcp accepts
/// a token signed with this service's secret; otherwise 503 naming the cause. Always answers
/// within [`READY_WITHIN`] plus a little.
async fn readiness(app: &App) -> Response<Body> {
    let probe_token = UserId::new(PROBE_USER.to_owned())
        .map(|user| app.keys.mint(&user, Duration::from_secs(60)))
        .unwrap_or_default();
    let (db, mcp) = tokio::join!(
        app.store.db().ready(app.migrations, READY_WITHIN),
        app.gateway.ready(&probe_token, READY_WITHIN)
    );
    let mut causes = Vec::new();
    if let Err(e) = db {
        causes.push(format!("database: {e}"));
    }
    if let Err(e) = mcp {
        causes.push(format!("task service: {e}"));
    }
    if causes.is_empty() {
        h::text(StatusCode::OK, "ready")
    } else {
        h::text(StatusCode::SERVICE_UNAVAILABLE, causes.join("\n"))
    }
}

async fn api(
    app: Arc<App>,
    request: Request<Incoming>,
    path_user: &str,
    rest: &[String],
    request_id: &str,
    seen: &mut Seen,
) -> Result<Response<Body>> {
    seen.route = "/api/{user_id}";
    let (caller, token) = authenticate(&app, &request, seen)?;
    if caller.as_str() != path_user {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "This token belongs to another user.",
        ));
    }
    let method = request.method().clone();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let streams = accepts_event_stream(request.headers());
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let mcp = app.gateway.session(&token, request_id);
    match (method, rest.as_slice()) {
        (Method::POST, ["chat"]) => {
            seen.route = "/api/{user_id}/chat";
            let request = ChatRequest::parse(read_json(request).await?)?;
            app.admit_turn(&caller)?;
            let start = turn::start(&app, &caller, request).await?;
            let token = token.clone();
            Ok(answer_turn(app.clone(), start, token, request_id.to_owned(), streams).await)
        }
        (Method::GET, ["tasks"]) => {
            seen.route = "/api/{user_id}/tasks";
            let status = query_param(&query, "status").unwrap_or_else(|| "all".to_owned());
            let mut args = json!({ "user_id": caller.as_str(), "status": status, "limit": page_size(&query)? });
            if let Some(offset) = query_param(&query, "offset") {
                args["offset"] = json!(offset.parse::<u32>().map_err(|_| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "offset must be a number from 0.",
                    )
                })?);
            }
            let listed = task_tool(&mcp, "list_tasks", args).await?;
            // list_tasks answers `{"tasks", "total", "next_offset"}`; the REST list stays a
            // plain array, with the total in a header.
            let mut response = h::json(StatusCode::OK, &listed["tasks"]);
            if let Some(total) = listed["total"].as_i64() {
                response
                    .headers_mut()
                    .insert("x-total-count", HeaderValue::from(total));
            }
            Ok(response)
        }
        (Method::POST, ["tasks"]) => {
            seen.route = "/api/{user_id}/tasks";
            let body = read_json(request).await?;
            let args = json!({ "user_id": caller.as_str(), "title": body.get("title").cloned().unwrap_or(Value::Null), "description": body.get("description").cloned().unwrap_or(Value::Null) });
            let result = task_tool(&mcp, "add_task", without_nulls(args)).await?;
            Ok(h::json(StatusCode::CREATED, &result["task"]))
        }
        (Method::PUT, ["tasks", id]) => {
            seen.route = "/api/{user_id}/tasks/{id}";
            let id = task_id(id)?;
            let body = read_json(request).await?;
            let args = json!({ "user_id": caller.as_str(), "task_id": id, "title": body.get("title").cloned().unwrap_or(Value::Null), "description": body.get("description").cloned().unwrap_or(Value::Null), "completed": body.get("completed").cloned().unwrap_or(Value::Null) });
            let result = task_tool(&mcp, "update_task", without_nulls(args)).await?;
            Ok(h::json(StatusCode::OK, &result["task"]))
        }
        (Method::PATCH, ["tasks", id, "complete"]) => {
            seen.route = "/api/{user_id}/tasks/{id}/complete";
            let args = json!({ "user_id": caller.as_str(), "task_id": task_id(id)? });
            let result = task_tool(&mcp, "complete_task", args).await?;
            Ok(h::json(StatusCode::OK, &result["task"]))
        }
        (Method::DELETE, ["tasks", id]) => {
            seen.route = "/api/{user_id}/tasks/{id}";
            let args = json!({ "user_id": caller.as_str(), "task_id": task_id(id)? });
            task_tool(&mcp, "delete_task", args).await?;
            Ok(h::empty(StatusCode::NO_CONTENT))
        }
        (Method::GET, ["conversations"]) => {
            seen.route = "/api/{user_id}/conversations";
            let limit = page_size(&query)?;
            Ok(h::json(
                StatusCode::OK,
                &app.store.conversations(&caller, limit).await?,
            ))
        }
        (Method::PATCH, ["conversations", id]) => {
            seen.route = "/api/{user_id}/conversations/{id}";
            let id = conversation_id(id)?;
            let body = read_json(request).await?;
            let title = body
                .get("title")
                .and_then(Value::as_str)
                .and_then(valid_title)
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        format!("The body must be {{\"title\": \"...\"}} with 1 to {MAX_TITLE_CHARS} characters."),
                    )
                })?;
            match app.store.rename_conversation(&caller, id, title).await? {
                Some(conversation) => Ok(h::json(StatusCode::OK, &conversation)),
                None => Err(turn::conversation_not_found(&id.to_string())),
            }
        }
        (Method::DELETE, ["conversations", id]) => {
            seen.route = "/api/{user_id}/conversations/{id}";
            let id = conversation_id(id)?;
            if app.store.delete_conversation(&caller, id).await? {
                Ok(h::empty(StatusCode::NO_CONTENT))
            } else {
                Err(turn::conversation_not_found(&id.to_string()))
            }
        }
        (Method::GET, ["conversations", id, "messages"]) => {
            seen.route = "/api/{user_id}/conversations/{id}/messages";
            let id = conversation_id(id)?;
            if !app.store.owns_conversation(&caller, id).await? {
                return Err(turn::conversation_not_found(&id.to_string()));
            }
            let limit = page_size(&query)?;
            let before = match query_param(&query, "before") {
                Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "before must be a message id.",
                    )
                })?),
                None => None,
            };
            let messages: Vec<Value> = app
                .store
                .recent_messages(&caller, id, limit, before)
                .await?
                .into_iter()
                .map(|m| {
                    let calls = m.tool_calls();
                    let mut entry = json!({ "id": m.id, "role": m.role, "content": m.content, "created_at": m.created_at });
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

/// Sends a turn's answer: the JSON body, or Server-Sent Events as the turn runs. The turn
/// itself runs on a task of its own, so a client that goes away never leaves it half-stored;
/// a streaming client that goes away stops it before its next step (the Stop button).
async fn answer_turn(
    app: Arc<App>,
    start: Start,
    token: String,
    request_id: String,
    streams: bool,
) -> Response<Body> {
    let pending = match start {
        Start::Replay { status, body } if streams => {
            let (events, receiver) = mpsc::unbounded_channel();
            if let Some(id) = body["conversation_id"].as_i64() {
                let _ = events.send(TurnEvent::Conversation(id));
            }
            let _ = events.send(TurnEvent::Finished(status.as_u16(), body));
            return event_stream(receiver);
        }
        Start::Replay { status, body } => return turn_response(status, &body),
        Start::Run(pending) => pending,
    };
    if streams {
        return event_stream(run_streaming(app, pending, token, request_id));
    }
    let cancel = CancellationToken::new();
    match tokio::spawn(pending.run(app, token, request_id, None, cancel)).await {
        Ok((status, body)) => turn_response(status, &body),
        Err(e) => {
            tracing::error!(error = %e, "a chat turn's task failed");
            h::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The turn failed unexpectedly; try again.",
            )
        }
    }
}

/// A turn's JSON answer. A 503 is a passing outage (a database, the task service): it says
/// when to retry, and a retry with the same `client_message_id` carries on safely.
fn turn_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = h::json(status, body);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    }
    response
}

/// Runs a turn on a task of its own and returns its events. A client that stops reading (it
/// went away, or pressed Stop) stops the turn before its next step; what ran is stored.
pub(crate) fn run_streaming(
    app: Arc<App>,
    pending: PendingTurn,
    token: String,
    request_id: String,
) -> mpsc::UnboundedReceiver<TurnEvent> {
    let cancel = CancellationToken::new();
    let (events, receiver) = mpsc::unbounded_channel();
    let watcher = events.clone();
    let stop = cancel.clone();
    tokio::spawn(async move {
        watcher.closed().await;
        stop.cancel();
    });
    tokio::spawn(pending.run(app, token, request_id, Some(events), cancel));
    receiver
}

/// Whether the client prefers a stream: `text/event-stream` in `Accept` ranks above
/// `application/json` (by q-value, then by order). A client accepting both in JSON's favour,
/// such as an MCP client's `application/json, text/event-stream`, gets JSON.
fn accepts_event_stream(headers: &HeaderMap) -> bool {
    let ranked: Vec<(String, f32)> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|item| {
            let mut parts = item.split(';');
            let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (kind, q)
        })
        .collect();
    // The best (q, earliest) entry for a media type, if listed.
    let rank = |wanted: &[&str]| {
        ranked
            .iter()
            .enumerate()
            .filter(|(_, (kind, q))| wanted.contains(&kind.as_str()) && *q > 0.0)
            .map(|(position, (_, q))| (*q, -(position as f32)))
            .reduce(|a, b| if b > a { b } else { a })
    };
    match (
        rank(&["text/event-stream"]),
        rank(&["application/json", "application/*", "*/*"]),
    ) {
        (Some(stream), Some(json)) => stream > json,
        (Some(_), None) => true,
        _ => false,
    }
}

/// A `text/event-stream` response of a turn's events, ending after its answer.
fn event_stream(receiver: mpsc::UnboundedReceiver<TurnEvent>) -> Response<Body> {
    let frames = futures::stream::unfold(Some(receiver), |receiver| async move {
        let mut receiver = receiver?;
        loop {
            let event = receiver.recv().await?;
            let last = matches!(event, TurnEvent::Finished(..));
            if let Some(frame) = sse_frame(&event) {
                return Some((frame, (!last).then_some(receiver)));
            }
        }
    });
    sse_response(frames)
}

/// A `text/event-stream` response of already formatted events.
pub(crate) fn sse_response(
    events: impl futures::Stream<Item = String> + Send + Sync + 'static,
) -> Response<Body> {
    use futures::StreamExt;
    let frames = events.map(|event| Ok::<_, Infallible>(Frame::data(Bytes::from(event))));
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(frames)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx must pass each event on at once.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// One Server-Sent Event: `conversation`, `tool_call`, `text`, then `done` (the JSON answer)
/// or `error` (`{"error", "status", ...}` with the error answer's fields).
fn sse_frame(event: &TurnEvent) -> Option<String> {
    let (name, data) = match event {
        TurnEvent::Conversation(id) => ("conversation", json!({ "conversation_id": id })),
        TurnEvent::ToolCall(record) => ("tool_call", json!(record)),
        TurnEvent::Text(delta) => ("text", json!({ "delta": delta })),
        // Where the reply is stored matters to ChatKit's items only.
        TurnEvent::Replied(_) => return None,
        TurnEvent::Finished(200, body) => ("done", body.clone()),
        TurnEvent::Finished(status, body) => {
            let mut data = body.clone();
            data["error"] = body["detail"].clone();
            data["status"] = json!(status);
            ("error", data)
        }
    };
    Some(format!("event: {name}\ndata: {data}\n\n"))
}

/// A task route's tool call: a tool error becomes the matching HTTP status.
async fn task_tool(mcp: &crate::mcp::McpSession<'_>, tool: &str, args: Value) -> Result<Value> {
    let outcome: ToolOutcome = mcp.call(tool, args).await?;
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

pub(crate) async fn read_json(request: Request<Incoming>) -> Result<Value> {
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

/// A conversation title as given, trimmed: 1 to [`MAX_TITLE_CHARS`] characters.
pub(crate) fn valid_title(raw: &str) -> Option<&str> {
    let title = raw.trim();
    (!title.is_empty() && title.chars().count() <= MAX_TITLE_CHARS).then_some(title)
}

fn conversation_id(raw: &str) -> Result<i64> {
    raw.parse().map_err(|_| turn::conversation_not_found(raw))
}

/// `?limit=` of a list: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when absent.
fn page_size(query: &str) -> Result<i64> {
    match query_param(query, "limit") {
        None => Ok(DEFAULT_PAGE),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("limit must be a number from 1 to {MAX_PAGE}."),
                )
            }),
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_stream_is_sent_only_to_a_client_that_prefers_one() {
        for (value, streams) in [
            ("text/event-stream", true),
            ("text/event-stream, application/json", true),
            ("application/json, text/event-stream", false),
            ("application/json;q=0.5, text/event-stream", true),
            ("text/event-stream;q=0.1, */*", false),
            ("text/event-stream;q=0", false),
            ("application/json", false),
            ("*/*", false),
        ] {
            assert_eq!(accepts_event_stream(&accept(value)), streams, "{value}");
        }
        assert!(!accepts_event_stream(&HeaderMap::new()));
    }
}

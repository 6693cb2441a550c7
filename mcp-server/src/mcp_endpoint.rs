//! `/mcp`: the Streamable HTTP endpoint. A thin layer in front of rmcp's
//! `StreamableHttpService` that makes the transport follow the MCP specification where rmcp
//! 3.11 (used unmodified) does not. What rmcp does, and what this layer does instead:
//!
//! - `Origin`: rmcp validates it only when an origin list is configured. Here `Host` and
//!   `Origin` are checked first, before authentication (see `origin.rs`): 403, JSON-RPC body.
//! - 401: `WWW-Authenticate: Bearer realm="todo-mcp"` without `error=` when no credentials were
//!   sent (RFC 6750 §3.1), `error="invalid_token"` with a description for a bad token, and a
//!   JSON-RPC error body saying how to get a token (clients show that message).
//! - `Accept`: rmcp answers 406 unless both `application/json` and `text/event-stream` are
//!   listed. Here a missing `Accept`, `*/*` and `application/*` mean "JSON is fine"; rmcp is then
//!   handed the full `Accept`, and an SSE answer (only when a handler streams) is collapsed to
//!   its final JSON message for a client that did not ask for SSE.
//! - Body: rmcp answers unparsable JSON and unknown message shapes with 415 and plain text.
//!   Here the body is read (64 KiB limit, 413) and checked by `jsonrpc_guard`: 400 with a
//!   `-32700` / `-32600` JSON-RPC error (`"id": null`), `-32602` for a request with params of
//!   the wrong shape (rmcp would answer `-32601`).
//! - Batches: rmcp has no batch support. With protocol 2025-03-26 (the header says so, or is
//!   absent, which the spec says means 2025-03-26) each message of the array goes to rmcp on
//!   its own, in order, and the answers come back as an array; later versions get 400/`-32600`.
//! - Any other refusal rmcp phrases as plain text (405, unsupported protocol version, ...)
//!   keeps its status and gets a JSON-RPC error body.
//!
//! A plain `tools/call`, once checked here, skips rmcp's per-request service and goes straight
//! to the server's rmcp dispatch (`direct_call.rs`); every other message goes through rmcp.

use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use hyper::body::{Body as HttpBody, Bytes};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::never::NeverSessionManager,
};
use serde_json::Value;
use todo_common::{
    http::{self as h, Body},
    identity::{AuthError, JwtKeys, UserId},
};
use tokio_util::sync::CancellationToken;

use crate::{
    direct_call::DirectCalls,
    jsonrpc_guard::{
        self as guard, BATCH_VERSION, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, Kind,
    },
    origin::{OriginPolicy, Refusal},
    tools::TodoServer,
};

/// Server-defined JSON-RPC codes for HTTP-level refusals.
const UNAUTHORIZED: i64 = -32001;
const FORBIDDEN: i64 = -32000;
const JSON: &str = "application/json";
const SSE: &str = "text/event-stream";
pub const PROTOCOL_HEADER: &str = "mcp-protocol-version";

/// An MCP request is a few hundred bytes; this leaves ample room for long titles and
/// descriptions while refusing floods.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct McpEndpoint {
    policy: OriginPolicy,
    keys: JwtKeys,
    mcp: StreamableHttpService<TodoServer, NeverSessionManager>,
    /// Plain `tools/call`s, served without rmcp's per-request service.
    direct: DirectCalls,
}

/// A JSON-RPC error response with an HTTP status.
pub fn rpc_error(status: StatusCode, id: Value, code: i64, message: &str) -> Response<Body> {
    h::json(status, &guard::error_response(id, code, message))
}

/// The 401 for `/mcp` (todo-chat keeps `todo_common::http::unauthorized`).
pub fn unauthorized(error: &AuthError) -> Response<Body> {
    const HOW: &str = "Send the header `Authorization: Bearer <token>`. Get a token by signing \
        in to the todo web app, or for development with `todo-mcp token --user-id <your user id>` \
        (run where BETTER_AUTH_SECRET is the same as this server's).";
    let (challenge, message) = match error {
        AuthError::MissingToken => (
            r#"Bearer realm="todo-mcp""#.to_owned(),
            format!("Authentication required. {HOW}"),
        ),
        other => {
            // RFC 6750 error_description: printable ASCII without '"' and '\'.
            let description: String = other
                .to_string()
                .chars()
                .filter(|c| (' '..='~').contains(c) && *c != '"' && *c != '\\')
                .collect();
            (
                format!(
                    r#"Bearer realm="todo-mcp", error="invalid_token", error_description="{description}""#
                ),
                format!("Invalid bearer token: {other}. {HOW}"),
            )
        }
    };
    let mut response = rpc_error(
        StatusCode::UNAUTHORIZED,
        Value::Null,
        UNAUTHORIZED,
        &message,
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// What the client's `Accept` allows.
#[derive(Debug, Clone, Copy)]
struct Accepts {
    json: bool,
    /// `text/event-stream` listed by name: the client reads SSE.
    sse: bool,
}

impl Accepts {
    /// `None` when the client does not take JSON at all.
    fn check(headers: &HeaderMap) -> Option<Self> {
        let accepts = Self::of(headers);
        accepts.json.then_some(accepts)
    }

    fn of(headers: &HeaderMap) -> Self {
        let mut values = headers.get_all(header::ACCEPT).iter().peekable();
        if values.peek().is_none() {
            return Self {
                json: true,
                sse: false,
            };
        }
        let mut accepts = Self {
            json: false,
            sse: false,
        };
        for entry in values
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
        {
            let mut parts = entry.split(';');
            let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.split_once('=').is_some_and(|(name, q)| {
                    name.trim().eq_ignore_ascii_case("q")
                        && q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
                })
            });
            if refused {
                continue;
            }
            match essence.as_str() {
                JSON | "application/*" | "*/*" => accepts.json = true,
                SSE => accepts.sse = true,
                _ => {}
            }
        }
        accepts
    }
}

/// The JSON-RPC code that best describes an HTTP refusal.
fn code_for(status: StatusCode) -> i64 {
    match status.as_u16() {
        401 => UNAUTHORIZED,
        403 => FORBIDDEN,
        500..=599 => INTERNAL_ERROR,
        _ => INVALID_REQUEST,
    }
}

enum ReadError {
    TooLarge,
    Failed(String),
}

async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, ReadError>
where
    B: HttpBody<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    let mut body = std::pin::pin!(body);
    let mut collected = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| ReadError::Failed(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > limit {
                return Err(ReadError::TooLarge);
            }
            collected.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(collected))
}

fn content_type(response: &Response<Body>) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The JSON messages of an SSE body (`data:` lines, one message per event).
fn sse_messages(text: &str) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut data = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.is_empty() {
            if !data.is_empty() {
                if let Ok(value) = serde_json::from_str(&data) {
                    messages.push(value);
                }
                data.clear();
            }
        } else if let Some(rest) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        }
    }
    messages
}

fn is_final(message: &Value) -> bool {
    message.get("id").is_some()
        && (message.get("result").is_some() || message.get("error").is_some())
}

impl McpEndpoint {
    /// Serves `server` statelessly: every request gets its own copy of it. Must be called
    /// inside the Tokio runtime.
    pub fn new(
        server: TodoServer,
        policy: OriginPolicy,
        allowed_hosts: Vec<String>,
        keys: JwtKeys,
        cancel: CancellationToken,
    ) -> Self {
        let config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            .with_max_request_body_bytes(MAX_BODY_BYTES)
            .with_allowed_hosts(allowed_hosts)
            // Checked by `OriginPolicy` first; rmcp gets the same list as a second line.
            .with_allowed_origins(policy.rmcp_origins())
            .enforce_origin_validation()
            .with_cancellation_token(cancel);
        let direct = DirectCalls::new(server.clone());
        let mcp = StreamableHttpService::new(
            move || Ok(server.clone()),
            Arc::new(NeverSessionManager::default()),
            config,
        );
        Self {
            policy,
            keys,
            mcp,
            direct,
        }
    }

    pub async fn handle<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: HttpBody<Data = Bytes>,
        B::Error: std::fmt::Display,
    {
        if let Err(Refusal(message)) = self.policy.check(request.uri(), request.headers()) {
            return rpc_error(StatusCode::FORBIDDEN, Value::Null, FORBIDDEN, &message);
        }
        let user = match self.keys.verify_headers(request.headers()) {
            Ok(user) => user,
            Err(e) => return unauthorized(&e),
        };
        if request.method() != Method::POST {
            // Stateless without an event store, rmcp serves only POST (405, `Allow: POST`).
            let (parts, _) = request.into_parts();
            let forwarded = self.rebuild(&parts, &user, Bytes::new());
            return self
                .jsonify(self.mcp.handle(forwarded).await, Value::Null)
                .await;
        }
        let Some(accepts) = Accepts::check(request.headers()) else {
            return rpc_error(
                StatusCode::NOT_ACCEPTABLE,
                Value::Null,
                INVALID_REQUEST,
                "Not Acceptable: this endpoint answers application/json (and text/event-stream); \
                 send Accept: application/json, text/event-stream",
            );
        };
        let content_type_ok = request.headers().get(header::CONTENT_TYPE).is_none_or(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .eq_ignore_ascii_case(JSON)
            })
        });
        if !content_type_ok {
            return rpc_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Value::Null,
                INVALID_REQUEST,
                "Unsupported Media Type: send the JSON-RPC message with Content-Type: application/json",
            );
        }
        let too_long = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES);
        let (parts, body) = request.into_parts();
        let bytes = match too_long {
            true => Err(ReadError::TooLarge),
            false => read_limited(body, MAX_BODY_BYTES).await,
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge) => {
                return rpc_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Value::Null,
                    INVALID_REQUEST,
                    &format!(
                        "Payload Too Large: a request body may be at most {} bytes",
                        MAX_BODY_BYTES
                    ),
                );
            }
            Err(ReadError::Failed(e)) => {
                return rpc_error(
                    StatusCode::BAD_REQUEST,
                    Value::Null,
                    INVALID_REQUEST,
                    &format!("the request body could not be read: {e}"),
                );
            }
        };
        let value = match guard::parse(&bytes) {
            Ok(value) => value,
            Err(rejection) => {
                return h::json(StatusCode::BAD_REQUEST, &rejection.to_json());
            }
        };
        match value {
            Value::Array(items) => self.batch(&parts, &user, items).await,
            single => match guard::check(&single) {
                Err(rejection) => {
                    // A request with bad params is answered like any failed request (200 and
                    // a JSON-RPC error); anything that is not a valid message is a 400.
                    let status = if rejection.code == INVALID_PARAMS && !rejection.notification {
                        StatusCode::OK
                    } else {
                        StatusCode::BAD_REQUEST
                    };
                    h::json(status, &rejection.to_json())
                }
                Ok((kind, message)) => {
                    if let Some(call) = DirectCalls::take(&parts.headers, message) {
                        let mut parts = parts;
                        parts.extensions.insert(user);
                        return h::json(StatusCode::OK, &self.direct.call(call, parts).await);
                    }
                    let id = match kind {
                        Kind::Request { id, .. } => id,
                        _ => Value::Null,
                    };
                    let response = self.mcp.handle(self.rebuild(&parts, &user, bytes)).await;
                    if content_type(&response) == SSE && !accepts.sse {
                        let status = response.status();
                        return match self.final_message(response, id.clone()).await {
                            Some(message) => h::json(status, &message),
                            None => rpc_error(
                                StatusCode::INTERNAL_SERVER_ERROR,
                                id,
                                INTERNAL_ERROR,
                                "the server produced no response",
                            ),
                        };
                    }
                    self.jsonify(response, id).await
                }
            },
        }
    }

    /// The request rmcp sees: the client's, with the verified user, the body already read
    /// and an `Accept` / `Content-Type` rmcp takes.
    fn rebuild(&self, parts: &http::request::Parts, user: &UserId, body: Bytes) -> Request<Body> {
        let mut request = Request::new(h::body(body));
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = parts.uri.clone();
        *request.version_mut() = parts.version;
        let headers = request.headers_mut();
        headers.clone_from(&parts.headers);
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/json, text/event-stream"),
        );
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        request.extensions_mut().insert(user.clone());
        request
    }

    /// rmcp's response with a plain-text refusal turned into a JSON-RPC error body.
    async fn jsonify(&self, response: Response<Body>, id: Value) -> Response<Body> {
        let status = response.status();
        if status.is_success() || content_type(&response) == JSON {
            return response;
        }
        let (parts, body) = response.into_parts();
        let text = read_limited(body, 64 * 1024)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
            .unwrap_or_default();
        let message = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            text
        };
        let mut out = rpc_error(status, id, code_for(status), &message);
        for name in [header::ALLOW, header::WWW_AUTHENTICATE] {
            if let Some(value) = parts.headers.get(&name) {
                out.headers_mut().insert(name, value.clone());
            }
        }
        out
    }

    /// The final JSON-RPC message of one of rmcp's answers, whatever its framing.
    async fn final_message(&self, response: Response<Body>, id: Value) -> Option<Value> {
        let status = response.status();
        let kind = content_type(&response);
        let body = read_limited(response.into_body(), 16 * 1024 * 1024)
            .await
            .ok()?;
        match kind.as_str() {
            JSON => serde_json::from_slice(&body).ok(),
            SSE => sse_messages(&String::from_utf8_lossy(&body))
                .into_iter()
                .rfind(is_final),
            _ if status.is_success() => None,
            _ => {
                let text = String::from_utf8_lossy(&body).trim().to_owned();
                Some(guard::error_response(id, code_for(status), &text))
            }
        }
    }

    /// A JSON-RPC batch: served only under protocol 2025-03-26.
    async fn batch(
        &self,
        parts: &http::request::Parts,
        user: &UserId,
        items: Vec<Value>,
    ) -> Response<Body> {
        let version = parts
            .headers
            .get(PROTOCOL_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if let Some(version) = version.filter(|v| v != BATCH_VERSION) {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                Value::Null,
                INVALID_REQUEST,
                &format!(
                    "Invalid Request: JSON-RPC batches are not supported in MCP protocol version \
                     {version} (batching was removed in 2025-06-18); send each message in its own \
                     POST"
                ),
            );
        }
        if items.is_empty() {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                Value::Null,
                INVALID_REQUEST,
                "Invalid Request: an empty batch",
            );
        }
        let mut answers = Vec::new();
        for item in items {
            match guard::check_batch_member(&item) {
                Err(rejection) if rejection.notification => {}
                Err(rejection) => answers.push(rejection.to_json()),
                Ok((kind, _)) => {
                    let body = Bytes::from(serde_json::to_vec(&item).unwrap_or_default());
                    let response = self.mcp.handle(self.rebuild(parts, user, body)).await;
                    match kind {
                        Kind::Request { id, .. } => {
                            let answer = self.final_message(response, id.clone()).await;
                            answers.push(answer.unwrap_or_else(|| {
                                guard::error_response(
                                    id,
                                    INTERNAL_ERROR,
                                    "the server produced no response",
                                )
                            }));
                        }
                        Kind::Notification | Kind::Response => {}
                    }
                }
            }
        }
        if answers.is_empty() {
            return h::empty(StatusCode::ACCEPTED);
        }
        h::json(StatusCode::OK, &Value::Array(answers))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;
    use todo_common::database::Db;

    use super::*;
    use crate::{metrics::Metrics, store::TaskStore, tools::Principal};

    const SECRET: &str = "a test secret that is long enough to be accepted";

    fn post(token: &str, body: &str) -> Request<Body> {
        Request::post("/mcp")
            .header(header::HOST, "localhost")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, JSON)
            .header(header::ACCEPT, "application/json, text/event-stream")
            .header(PROTOCOL_HEADER, "2025-11-25")
            .body(h::body(body.to_owned()))
            .expect("request")
    }

    async fn answer(response: Response<Body>) -> (StatusCode, String, String) {
        let status = response.status();
        let kind = content_type(&response);
        let body = read_limited(response.into_body(), usize::MAX)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        (status, kind, body)
    }

    /// Each plain `tools/call` answered by the direct path is answered byte for byte as rmcp's
    /// service answers it (`rebuild` is what the endpoint hands rmcp): results, tool errors,
    /// protocol errors, a refused user, an idempotent replay.
    #[tokio::test]
    async fn direct_tool_calls_answer_as_rmcp_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&format!("sqlite://{}/tasks.db", dir.path().display()), 1)
            .expect("database");
        db.migrate(crate::store::migrations())
            .await
            .expect("migrate");
        let server = TodoServer::new(
            TaskStore::new(db),
            Principal::PerRequest,
            Arc::new(Metrics::default()),
        );
        let hosts = vec!["localhost".to_owned()];
        let keys = JwtKeys::from_secret(Some(SECRET)).expect("keys");
        let user = UserId::new("ann").expect("user");
        let token = keys.mint(&user, Duration::from_secs(300));
        let endpoint = McpEndpoint::new(
            server,
            OriginPolicy::new(&hosts, None).expect("policy"),
            hosts,
            keys,
            CancellationToken::new(),
        );
        let call = |name: &str, arguments: &str, meta: &str| {
            format!(
                r#"{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"{name}","arguments":{arguments}{meta}}}}}"#
            )
        };
        for title in ["buy milk", "call mom"] {
            let added = answer(
                endpoint
                    .handle(post(
                        &token,
                        &call("add_task", &format!(r#"{{"title":"{title}"}}"#), ""),
                    ))
                    .await,
            )
            .await;
            assert!(added.2.contains(r#""status":"created""#), "{added:?}");
        }
        let keyed = r#","_meta":{"io.todochatbot/idempotency-key":"k-1"}"#;
        let cases = [
            call("complete_task", r#"{"task_id":1}"#, ""),
            call("complete_task", r#"{"task_id":1}"#, ""),
            call("list_tasks", r#"{}"#, ""),
            call("list_tasks", r#"{"status":"pending","limit":1}"#, ""),
            call("list_tasks", r#"{"limit":0}"#, ""),
            call("delete_task", r#"{"task_id":99}"#, ""),
            call("update_task", r#"{"task_id":2}"#, ""),
            call("add_task", r#"{"title":"x","colour":"red"}"#, ""),
            call("add_task", r#"{"title":"x","user_id":"bob"}"#, ""),
            call("add_task", r#"{"title":"water plants"}"#, keyed),
            call("no_such_tool", r#"{}"#, ""),
        ];
        for body in cases {
            let direct = answer(endpoint.handle(post(&token, &body)).await).await;
            let (parts, _) = post(&token, &body).into_parts();
            let forwarded = endpoint.rebuild(&parts, &user, Bytes::from(body.clone()));
            let rmcp = answer(endpoint.mcp.handle(forwarded).await).await;
            assert_eq!(direct, rmcp, "{body}");
        }
    }

    #[test]
    fn only_plain_tool_calls_are_taken() {
        let taken = |version: Option<&str>, body: Value| {
            let mut headers = HeaderMap::new();
            if let Some(version) = version {
                headers.insert(PROTOCOL_HEADER, version.parse().unwrap());
            }
            let message = serde_json::from_value(body).unwrap();
            DirectCalls::take(&headers, message).is_some()
        };
        let call =
            json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks"}});
        assert!(taken(None, call.clone()));
        assert!(taken(Some("2025-03-26"), call.clone()));
        assert!(taken(Some("2025-11-25"), call.clone()));
        // Versions with per-request negotiation and standard headers, and unknown versions.
        assert!(!taken(Some("2026-07-28"), call.clone()));
        assert!(!taken(Some("1999-01-01"), call.clone()));
        let mut negotiated = call.clone();
        negotiated["params"]["_meta"] =
            json!({"io.modelcontextprotocol/protocolVersion": "2025-11-25"});
        assert!(!taken(Some("2025-11-25"), negotiated));
        assert!(!taken(
            None,
            json!({"jsonrpc":"2.0","id":1,"method":"tools/list"})
        ));
    }

    fn accepts(value: Option<&str>) -> Option<(bool, bool)> {
        let mut headers = HeaderMap::new();
        if let Some(v) = value {
            headers.insert(header::ACCEPT, v.parse().unwrap());
        }
        Accepts::check(&headers).map(|a| (a.json, a.sse))
    }

    #[test]
    fn accept_headers() {
        assert_eq!(accepts(None), Some((true, false)));
        assert_eq!(accepts(Some("*/*")), Some((true, false)));
        assert_eq!(accepts(Some("application/json")), Some((true, false)));
        assert_eq!(
            accepts(Some("application/json, text/event-stream")),
            Some((true, true))
        );
        assert_eq!(accepts(Some("text/html")), None);
        assert_eq!(accepts(Some("application/json;q=0, text/html")), None);
    }

    #[test]
    fn sse_bodies_yield_their_messages() {
        let body = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n\
                    data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
        let messages = sse_messages(body);
        assert_eq!(messages.len(), 2);
        assert!(is_final(&messages[1]));
    }
}

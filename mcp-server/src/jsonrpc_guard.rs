//! JSON-RPC checks made before a message reaches rmcp, shared by both transports, so that
//! stdio and HTTP answer malformed input the same way and as JSON-RPC 2.0 asks.
//!
//! Why this exists (rmcp 3.11 behaviour it works around, without forking rmcp):
//! - rmcp deserialises every message into `ClientJsonRpcMessage`. A standard request whose
//!   params do not fit (e.g. `tools/call` without `name`) falls through its untagged enum into
//!   `CustomRequest`, which the server handler answers with `-32601 method not found`; a
//!   non-object `params` fails deserialisation altogether. JSON-RPC says `-32602`.
//! - Over HTTP, rmcp answers unparsable JSON and any message it cannot deserialise with
//!   `415` and a plain-text body; over stdio it ignores unparsable lines and answers other bad
//!   messages with `-32600` without an `id` member. JSON-RPC says `-32700` / `-32600` with
//!   `"id": null`.
//!
//! Nothing here knows about tools: it only checks the JSON-RPC envelope and, for the methods
//! rmcp models, that the params have the shape rmcp expects.

use rmcp::model::{CallToolRequestParams, ClientJsonRpcMessage, ClientRequest};
use serde::Deserialize;
use serde_json::{Value, json};

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;

/// The only MCP protocol version with JSON-RPC batches (they were removed in 2025-06-18).
pub const BATCH_VERSION: &str = "2025-03-26";

/// The client-to-server request methods rmcp models with typed params. A request for one of
/// these that rmcp could only read as a `CustomRequest` had params of the wrong shape.
const TYPED_REQUEST_METHODS: &[&str] = &[
    "ping",
    "initialize",
    "server/discover",
    "completion/complete",
    "logging/setLevel",
    "prompts/get",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "resources/subscribe",
    "resources/unsubscribe",
    "resources/directory/read",
    "subscriptions/listen",
    "tools/call",
    "tools/list",
    "tasks/get",
    "tasks/update",
    "tasks/cancel",
    "skills/list",
    "skills/get",
];

/// A message refused before it reaches rmcp, with the error object to answer it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// The request's id when it could be read, otherwise `null`.
    pub id: Value,
    pub code: i64,
    pub message: String,
    /// A notification gets no answer in JSON-RPC (over HTTP it still gets a 4xx).
    pub notification: bool,
}

impl Rejection {
    pub fn new(id: Value, code: i64, message: impl Into<String>) -> Self {
        Self {
            id,
            code,
            message: message.into(),
            notification: false,
        }
    }

    /// The JSON-RPC error response for this rejection.
    pub fn to_json(&self) -> Value {
        error_response(self.id.clone(), self.code, &self.message)
    }
}

/// `{"jsonrpc":"2.0","id":id,"error":{"code":code,"message":message}}`.
pub fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// What a checked message is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Request { id: Value, method: String },
    Notification,
    Response,
}

/// Parses one transport frame (an HTTP body or a stdio line) as JSON.
pub fn parse(bytes: &[u8]) -> Result<Value, Rejection> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| {
        Rejection::new(
            Value::Null,
            PARSE_ERROR,
            format!("Parse error: the message is not valid JSON ({e})"),
        )
    })
}

/// Checks one JSON-RPC message (not a batch) and converts it to rmcp's type.
pub fn check(value: &Value) -> Result<(Kind, ClientJsonRpcMessage), Rejection> {
    let invalid = |id: Value, why: &str| {
        Rejection::new(id, INVALID_REQUEST, format!("Invalid Request: {why}"))
    };
    let Some(object) = value.as_object() else {
        return Err(invalid(
            Value::Null,
            "a JSON-RPC message must be a JSON object",
        ));
    };
    let id = match object.get("id") {
        None => None,
        Some(id @ Value::String(_)) => Some(id.clone()),
        Some(id @ Value::Number(n)) if n.is_i64() => Some(id.clone()),
        Some(_) => {
            return Err(invalid(
                Value::Null,
                "\"id\" must be a string or an integer",
            ));
        }
    };
    let answer_id = id.clone().unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(answer_id, "\"jsonrpc\" must be \"2.0\""));
    }
    let Some(method) = object.get("method") else {
        // A response (or error) from the client to a server-initiated request.
        let is_response =
            id.is_some() && (object.contains_key("result") != object.contains_key("error"));
        if !is_response {
            return Err(invalid(
                answer_id,
                "a request needs a \"method\"; a response needs an \"id\" and one of \"result\" or \"error\"",
            ));
        }
        // Read from the borrowed value: no copy of the whole message first.
        return ClientJsonRpcMessage::deserialize(value)
            .map(|message| (Kind::Response, message))
            .map_err(|e| invalid(answer_id, &format!("not a valid JSON-RPC response ({e})")));
    };
    let Some(method) = method.as_str() else {
        return Err(invalid(answer_id, "\"method\" must be a string"));
    };
    let notification = id.is_none();
    let bad_params = |message: String| Rejection {
        id: answer_id.clone(),
        code: INVALID_PARAMS,
        message: format!("Invalid params for {method}: {message}"),
        notification,
    };
    let params = object.get("params").filter(|p| !p.is_null());
    if params.is_some_and(|p| !p.is_object()) {
        return Err(bad_params("\"params\" must be an object".to_owned()));
    }
    let message: ClientJsonRpcMessage =
        ClientJsonRpcMessage::deserialize(value).map_err(|e| bad_params(e.to_string()))?;
    match (&message, id) {
        (ClientJsonRpcMessage::Request(request), Some(id)) => {
            if matches!(request.request, ClientRequest::CustomRequest(_))
                && TYPED_REQUEST_METHODS.contains(&method)
            {
                return Err(bad_params(params_detail(method, params)));
            }
            Ok((
                Kind::Request {
                    id,
                    method: method.to_owned(),
                },
                message,
            ))
        }
        (ClientJsonRpcMessage::Notification(_), None) => Ok((Kind::Notification, message)),
        _ => Err(invalid(
            answer_id,
            "not a valid JSON-RPC request or notification",
        )),
    }
}

/// Checks one member of a JSON-RPC batch: as [`check`], and `initialize` is refused (it must
/// be sent on its own).
pub fn check_batch_member(value: &Value) -> Result<(Kind, ClientJsonRpcMessage), Rejection> {
    match check(value)? {
        (Kind::Request { id, method }, _) if method == "initialize" => Err(Rejection::new(
            id,
            INVALID_REQUEST,
            "Invalid Request: initialize must not be part of a JSON-RPC batch",
        )),
        checked => Ok(checked),
    }
}

/// Why `params` do not fit `method`, in serde's words where rmcp's type is at hand.
fn params_detail(method: &str, params: Option<&Value>) -> String {
    let params = params.cloned().unwrap_or_else(|| json!({}));
    let error = match method {
        "tools/call" => serde_json::from_value::<CallToolRequestParams>(params).err(),
        "initialize" => {
            serde_json::from_value::<rmcp::model::InitializeRequestParams>(params).err()
        }
        _ => None,
    };
    error.map_or_else(
        || "they do not have the shape this method requires".to_owned(),
        |e| e.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(value: Value) -> i64 {
        check(&value).map(|_| 0).unwrap_or_else(|r| r.code)
    }

    #[test]
    fn envelopes_and_params_are_classified() {
        assert_eq!(parse(b"{bad").unwrap_err().code, PARSE_ERROR);
        assert_eq!(code(json!([1])), INVALID_REQUEST);
        assert_eq!(code(json!({"foo": 1})), INVALID_REQUEST);
        assert_eq!(
            code(json!({"jsonrpc": "1.0", "id": 1, "method": "ping"})),
            INVALID_REQUEST
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": null, "method": "ping"})),
            INVALID_REQUEST
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": 3})),
            INVALID_REQUEST
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})),
            0
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": [1]})),
            INVALID_PARAMS
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {}})),
            INVALID_PARAMS
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call"})),
            INVALID_PARAMS
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                        "params": {"name": "list_tasks", "arguments": {}}})),
            0
        );
        assert_eq!(
            code(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})),
            0
        );
        let rejection = check(&json!({"jsonrpc": "2.0", "id": "a", "method": "tools/call",
                                      "params": {"arguments": {}}}))
        .unwrap_err();
        assert_eq!(rejection.id, json!("a"));
        assert!(rejection.message.contains("name"), "{}", rejection.message);
        let initialize = json!({"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {
            "protocolVersion": BATCH_VERSION, "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"}}});
        assert!(check(&initialize).is_ok());
        let refused = check_batch_member(&initialize).unwrap_err();
        assert_eq!((refused.id, refused.code), (json!(7), INVALID_REQUEST));
        assert!(check_batch_member(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})).is_ok());
    }
}

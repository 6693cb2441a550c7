//! Transport conformance: what independent MCP clients send, over real HTTP and real stdio,
//! answered as the MCP specification (2025-03-26 / 2025-06-18 / 2025-11-25) and JSON-RPC 2.0
//! ask. Each test names the item of the conformance list in `specs/todo-mcp.md` it covers.

mod support;

use std::{process::Stdio, time::Duration};

use serde_json::{Value, json};
use support::{BIN, Backend, Database, SECRET, Server, token_for, unique_user};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    process::{Child, ChildStdin, ChildStdout, Command},
};

const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
const BOTH: &str = "application/json, text/event-stream";

/// One HTTP answer: status, headers and body (parsed as JSON when it is JSON).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Asserts a JSON-RPC error object with `code` and returns its message.
    fn rpc_error(&self, code: i64, id: Value) -> String {
        let body = self.json();
        assert_eq!(body["jsonrpc"], "2.0", "{body}");
        assert_eq!(body["id"], id, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        body["error"]["message"]
            .as_str()
            .expect("error message")
            .to_owned()
    }
}

/// A raw POST to `/mcp`: `headers` may override `accept` and `content-type`.
async fn post(
    server: &Server,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = reqwest::Client::new()
        .post(server.url("/mcp"))
        .body(body.to_owned());
    let overrides = |name: &str| headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(name));
    if !overrides("accept") {
        request = request.header("accept", BOTH);
    }
    if !overrides("content-type") {
        request = request.header("content-type", "application/json");
    }
    for (name, value) in headers {
        if !value.is_empty() {
            request = request.header(*name, *value);
        }
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("POST /mcp");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap_or_default(),
    }
}

/// A POST with no `Accept` header at all (reqwest always adds `Accept: */*`).
async fn post_without_accept(server: &Server, token: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr.port(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

async fn sqlite_server(args: &[&str], env: &[(&str, &str)]) -> (Database, Server) {
    let db = Database::new(Backend::Sqlite);
    let server = Server::start_with(&db.url, args, env).await;
    (db, server)
}

/// `todo-mcp stdio` driven line by line, as an MCP client would.
struct RawStdio {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl RawStdio {
    async fn start(db: &Database) -> Self {
        let mut child = Command::new(BIN)
            .args(["stdio", "--user-id", &unique_user("stdio")])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &db.url)
            .env("BETTER_AUTH_SECRET", SECRET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn todo-mcp stdio");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Self {
            child,
            stdin,
            stdout,
        }
    }

    async fn send(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("write stdin");
        self.stdin.flush().await.expect("flush stdin");
    }

    async fn read(&mut self) -> Value {
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(10), self.stdout.read_line(&mut line))
            .await
            .expect("an answer within 10 s")
            .expect("read stdout");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
    }

    async fn ask(&mut self, line: &str) -> Value {
        self.send(line).await;
        self.read().await
    }

    async fn initialize(&mut self) {
        self.initialize_as("2025-06-18").await;
    }

    /// Initializes asking for protocol `version`; returns the version the server answered.
    async fn initialize_as(&mut self, version: &str) -> String {
        let request = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": version, "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"}}});
        let answer = self.ask(&request.to_string()).await;
        let negotiated = answer["result"]["protocolVersion"].as_str();
        let negotiated = negotiated.unwrap_or_else(|| panic!("{answer}")).to_owned();
        self.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            .await;
        negotiated
    }

    fn still_running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

/// Item 1: a present `Origin` that is not allowed is refused (403, JSON-RPC body), even with
/// a valid token; no `Origin` and the allowed hosts' origins pass; the list is configurable.
#[tokio::test]
async fn origins_outside_the_allow_list_are_refused() {
    let token = token_for(&unique_user("origin"));
    let (_db, server) = sqlite_server(&[], &[]).await;
    let evil = post(
        &server,
        Some(&token),
        &[("origin", "http://evil.example.com")],
        PING,
    )
    .await;
    assert_eq!(evil.status, 403, "{}", evil.text);
    assert!(evil.rpc_error(-32000, Value::Null).contains("Origin"));
    for origin in [
        "",
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
    ] {
        let ok = post(&server, Some(&token), &[("origin", origin)], PING).await;
        assert_eq!(ok.status, 200, "Origin {origin:?}: {}", ok.text);
        assert_eq!(ok.json()["result"], json!({}));
    }

    let (_db2, configured) = sqlite_server(
        &[
            "--allowed-origins",
            "https://todo.example.com,http://app.test:*",
        ],
        &[],
    )
    .await;
    for (origin, want) in [
        ("https://todo.example.com", 200),
        ("https://todo.example.com:443", 200),
        ("http://app.test:5173", 200),
        ("http://localhost:3000", 403),
        ("https://todo.example.com:8443", 403),
        ("http://evil.example.com", 403),
        ("", 200),
    ] {
        let answer = post(&configured, Some(&token), &[("origin", origin)], PING).await;
        assert_eq!(answer.status, want, "Origin {origin:?}: {}", answer.text);
    }

    let (_db3, by_env) = sqlite_server(
        &[],
        &[("TODO_MCP_ALLOWED_ORIGINS", "https://todo.example.com")],
    )
    .await;
    let answer = post(
        &by_env,
        Some(&token),
        &[("origin", "https://todo.example.com")],
        PING,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let answer = post(
        &by_env,
        Some(&token),
        &[("origin", "http://localhost:3000")],
        PING,
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.text);

    // The Host allow-list is kept, now with a JSON-RPC body too.
    let rebinding = post(&server, Some(&token), &[("host", "evil.example")], PING).await;
    assert_eq!(rebinding.status, 403);
    rebinding.rpc_error(-32000, Value::Null);
}

fn malformed_tool_calls() -> Vec<(&'static str, Value)> {
    vec![
        ("params not an object", json!([1, 2])),
        ("params a string", json!("list_tasks")),
        ("no name", json!({ "arguments": {} })),
        ("empty params", json!({})),
        ("name not a string", json!({ "name": 7, "arguments": {} })),
    ]
}

/// Item 2: `tools/call` with malformed params is `-32602` (invalid params) with the request's
/// id, over HTTP and stdio, not `-32601` (method not found).
#[tokio::test]
async fn malformed_tool_call_params_are_invalid_params() {
    let token = token_for(&unique_user("params"));
    let (db, server) = sqlite_server(&[], &[]).await;
    let mut stdio = RawStdio::start(&db).await;
    stdio.initialize().await;
    for (n, (label, params)) in malformed_tool_calls().into_iter().enumerate() {
        let id = n as i64 + 10;
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params })
            .to_string();
        let answer = post(&server, Some(&token), &[], &body).await;
        assert_eq!(answer.status, 200, "[http] {label}: {}", answer.text);
        answer.rpc_error(-32602, json!(id));
        let line = stdio.ask(&body).await;
        assert_eq!(line["id"], id, "[stdio] {label}: {line}");
        assert_eq!(line["error"]["code"], -32602, "[stdio] {label}: {line}");
    }
    let no_params = r#"{"jsonrpc":"2.0","id":"x","method":"tools/call"}"#;
    post(&server, Some(&token), &[], no_params)
        .await
        .rpc_error(-32602, json!("x"));
    // A method that really does not exist is still -32601.
    let unknown = r#"{"jsonrpc":"2.0","id":3,"method":"no/such/method","params":{}}"#;
    let answer = post(&server, Some(&token), &[], unknown).await;
    assert_eq!(answer.json()["error"]["code"], -32601, "{}", answer.text);
    // A well-formed call still works on both.
    let good = r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"#;
    assert!(post(&server, Some(&token), &[], good).await.json()["result"].is_object());
    assert!(stdio.ask(good).await["result"].is_object());
}

/// Item 3 (HTTP): unparsable JSON is 400 with `-32700`; JSON that is not a JSON-RPC message
/// is 400 with `-32600`; both with `"id": null` and a JSON body.
#[tokio::test]
async fn invalid_json_and_invalid_messages_get_jsonrpc_errors_over_http() {
    let token = token_for(&unique_user("parse"));
    let (_db, server) = sqlite_server(&[], &[]).await;
    for body in ["{bad", "", "{\"jsonrpc\":\"2.0\",\"id\":1,", "nonsense"] {
        let answer = post(&server, Some(&token), &[], body).await;
        assert_eq!(answer.status, 400, "{body:?}: {}", answer.text);
        assert!(
            answer
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{body:?}"
        );
        answer.rpc_error(-32700, Value::Null);
    }
    for body in [
        r#"{"foo":1}"#,
        r#""a string""#,
        "42",
        r#"{"jsonrpc":"1.0","method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
    ] {
        let answer = post(&server, Some(&token), &[], body).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
        answer.rpc_error(-32600, Value::Null);
    }
    // When the id can be read, the error carries it (JSON-RPC 2.0 §5).
    let answer = post(
        &server,
        Some(&token),
        &[],
        r#"{"jsonrpc":"2.0","id":1,"method":5}"#,
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    answer.rpc_error(-32600, json!(1));
    // The limits are kept, now with JSON-RPC bodies.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"x":"{}"}}}}"#,
        "y".repeat(100_000)
    );
    let answer = post(&server, Some(&token), &[], &huge).await;
    assert_eq!(answer.status, 413);
    answer.rpc_error(-32600, Value::Null);
}

/// Items 3 and 9 (stdio): invalid JSON gets a `-32700` line, an invalid message a `-32600`
/// line (`"id": null`), and the server keeps answering, `ping` included.
#[tokio::test]
async fn stdio_answers_invalid_json_and_keeps_running() {
    let db = Database::new(Backend::Sqlite);
    let mut stdio = RawStdio::start(&db).await;
    let ping = stdio.ask(PING).await;
    assert_eq!(ping, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    stdio.initialize().await;
    let parse = stdio.ask("{bad json").await;
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    assert_eq!(parse["id"], Value::Null, "{parse}");
    assert!(parse.as_object().unwrap().contains_key("id"));
    let invalid = stdio.ask(r#"{"foo":1}"#).await;
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    assert_eq!(invalid["id"], Value::Null, "{invalid}");
    assert!(invalid.as_object().unwrap().contains_key("id"));
    let batch = stdio.ask(&format!("[{PING}]")).await;
    assert_eq!(batch["error"]["code"], -32600, "{batch}");
    assert!(stdio.still_running());
    let ping = stdio
        .ask(r#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#)
        .await;
    assert_eq!(ping, json!({"jsonrpc": "2.0", "id": "after", "result": {}}));
    let listed = stdio
        .ask(r#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"#)
        .await;
    assert_eq!(listed["result"]["isError"], false, "{listed}");
}

/// Item 4: a batch is served under protocol 2025-03-26 (an array of answers, notifications
/// unanswered, invalid members answered -32600) and refused (400, -32600) for later versions.
#[tokio::test]
async fn batches_follow_the_negotiated_protocol_version() {
    let user = unique_user("batch");
    let token = token_for(&user);
    let (_db, server) = sqlite_server(&[], &[]).await;
    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "tools/call",
          "params": { "name": "add_task", "arguments": { "title": "from a batch" } } },
        { "jsonrpc": "2.0", "method": "notifications/initialized" },
        { "jsonrpc": "2.0", "id": "two", "method": "ping" },
        { "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {} },
        { "foo": 1 },
        { "jsonrpc": "2.0", "id": 4, "method": "tools/call",
          "params": { "name": "list_tasks", "arguments": {} } }
    ])
    .to_string();
    for version in ["2025-03-26", ""] {
        let answer = post(
            &server,
            Some(&token),
            &[("mcp-protocol-version", version)],
            &batch,
        )
        .await;
        assert_eq!(answer.status, 200, "[{version:?}] {}", answer.text);
        let answers = answer.json();
        let answers = answers.as_array().expect("an array of answers");
        assert_eq!(answers.len(), 5, "[{version:?}] {answers:?}");
        assert_eq!(answers[0]["id"], 1);
        assert_eq!(answers[0]["result"]["isError"], false, "{}", answers[0]);
        assert_eq!(
            answers[1],
            json!({"jsonrpc": "2.0", "id": "two", "result": {}})
        );
        assert_eq!(answers[2]["id"], 3);
        assert_eq!(answers[2]["error"]["code"], -32602);
        assert_eq!(answers[3]["id"], Value::Null);
        assert_eq!(answers[3]["error"]["code"], -32600);
        assert_eq!(answers[4]["id"], 4);
        let listed = answers[4]["result"]["structuredContent"]["tasks"].to_string();
        assert!(listed.contains("from a batch"), "{listed}");
    }
    let only_notifications = json!([{ "jsonrpc": "2.0", "method": "notifications/initialized" }]);
    let answer = post(
        &server,
        Some(&token),
        &[("mcp-protocol-version", "2025-03-26")],
        &only_notifications.to_string(),
    )
    .await;
    assert_eq!(answer.status, 202, "{}", answer.text);
    let empty = post(
        &server,
        Some(&token),
        &[("mcp-protocol-version", "2025-03-26")],
        "[]",
    )
    .await;
    assert_eq!(empty.status, 400);
    empty.rpc_error(-32600, Value::Null);

    for version in ["2025-06-18", "2025-11-25"] {
        let answer = post(
            &server,
            Some(&token),
            &[("mcp-protocol-version", version)],
            &format!("[{PING}]"),
        )
        .await;
        assert_eq!(answer.status, 400, "[{version}] {}", answer.text);
        let message = answer.rpc_error(-32600, Value::Null);
        assert!(message.contains("batch"), "{message}");
    }
}

/// Item 4 (stdio): after `initialize` negotiated 2025-03-26 a batch line is served member by
/// member, in order, and answered with one array line (notifications unanswered, invalid
/// members and `initialize` answered with errors, only notifications: no line); before
/// `initialize` or under a later version a batch gets one `-32600` line, and serving goes on.
#[tokio::test]
async fn stdio_batches_follow_the_negotiated_protocol_version() {
    let db = Database::new(Backend::Sqlite);
    let mut stdio = RawStdio::start(&db).await;
    assert_eq!(stdio.initialize_as("2025-03-26").await, "2025-03-26");
    let answers = stdio
        .ask(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":"list","method":"tools/list"}]"#)
        .await;
    let answers = answers.as_array().expect("one line holding an array");
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(answers[0], json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    assert_eq!(answers[1]["id"], "list");
    assert!(answers[1]["result"]["tools"].is_array(), "{}", answers[1]);

    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "tools/call",
          "params": { "name": "add_task", "arguments": { "title": "from a stdio batch" } } },
        { "jsonrpc": "2.0", "method": "notifications/initialized" },
        { "foo": 1 },
        { "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {} },
        { "jsonrpc": "2.0", "id": 3, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {},
            "clientInfo": { "name": "raw", "version": "1" } } },
        { "jsonrpc": "2.0", "id": 4, "method": "tools/call",
          "params": { "name": "list_tasks", "arguments": {} } }
    ]);
    let answers = stdio.ask(&batch.to_string()).await;
    let answers = answers.as_array().expect("one line holding an array");
    assert_eq!(answers.len(), 5, "{answers:?}");
    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[0]["result"]["isError"], false, "{}", answers[0]);
    assert_eq!(answers[1]["id"], Value::Null);
    assert_eq!(answers[1]["error"]["code"], -32600);
    assert_eq!(answers[2]["id"], 2);
    assert_eq!(answers[2]["error"]["code"], -32602);
    assert_eq!(answers[3]["id"], 3);
    assert_eq!(answers[3]["error"]["code"], -32600);
    assert_eq!(answers[4]["id"], 4);
    let listed = answers[4]["result"]["structuredContent"]["tasks"].to_string();
    assert!(listed.contains("from a stdio batch"), "{listed}");

    // Only notifications: no line at all, so the next line answers the next request.
    stdio
        .send(r#"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#)
        .await;
    let empty = stdio.ask("[]").await;
    assert_eq!(empty["id"], Value::Null, "{empty}");
    assert_eq!(empty["error"]["code"], -32600, "{empty}");
    let ping = stdio
        .ask(r#"{"jsonrpc":"2.0","id":"after","method":"ping"}"#)
        .await;
    assert_eq!(ping, json!({"jsonrpc": "2.0", "id": "after", "result": {}}));

    let mut later = RawStdio::start(&db).await;
    let before = later.ask(&format!("[{PING}]")).await;
    assert_eq!(before["id"], Value::Null, "{before}");
    assert_eq!(before["error"]["code"], -32600, "{before}");
    assert_eq!(later.initialize_as("2025-06-18").await, "2025-06-18");
    let refused = later.ask(&format!("[{PING}]")).await;
    assert_eq!(refused["id"], Value::Null, "{refused}");
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("2025-06-18"), "{message}");
    assert!(later.still_running());
    assert_eq!(
        later.ask(PING).await,
        json!({"jsonrpc": "2.0", "id": 1, "result": {}})
    );
}

/// Item 7: `Accept: */*` (plain curl), a missing `Accept` and `application/json` alone get
/// JSON; a client that takes no JSON at all still gets 406 (with a JSON-RPC body).
#[tokio::test]
async fn plain_accept_headers_get_json() {
    let token = token_for(&unique_user("accept"));
    let (_db, server) = sqlite_server(&[], &[]).await;
    // (reqwest sends `Accept: */*` when none is set; a request without any is below.)
    for accept in ["*/*", "", "application/json", "application/*", BOTH] {
        let mut request = reqwest::Client::new()
            .post(server.url("/mcp"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}"#);
        if !accept.is_empty() {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "Accept {accept:?}");
        assert!(
            response
                .headers()
                .get("content-type")
                .and_then(|c| c.to_str().ok())
                .is_some_and(|c| c.starts_with("application/json")),
            "Accept {accept:?}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["result"]["isError"], false,
            "Accept {accept:?}: {body}"
        );
    }
    let (status, body) = post_without_accept(&server, &token, PING).await;
    assert_eq!(status, 200, "no Accept: {body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"jsonrpc": "2.0", "id": 1, "result": {}})
    );
    let html = post(&server, Some(&token), &[("accept", "text/html")], PING).await;
    assert_eq!(html.status, 406);
    html.rpc_error(-32600, Value::Null);
}

/// Item 8: without credentials, 401 with `WWW-Authenticate: Bearer realm="todo-mcp"` and no
/// `error=`; with a bad token, `error="invalid_token"` and a description; both with a JSON-RPC
/// error body that says how to get a token.
#[tokio::test]
async fn unauthenticated_requests_get_a_jsonrpc_401_that_says_how_to_get_a_token() {
    let (_db, server) = sqlite_server(&[], &[]).await;
    let missing = post(&server, None, &[], PING).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.header("www-authenticate").as_deref(),
        Some(r#"Bearer realm="todo-mcp""#)
    );
    let message = missing.rpc_error(-32001, Value::Null);
    assert!(message.contains("todo-mcp token --user-id"), "{message}");
    assert!(message.contains("web app"), "{message}");

    let basic = post(
        &server,
        None,
        &[("authorization", "Basic dXNlcjpwdw==")],
        PING,
    )
    .await;
    assert_eq!(basic.status, 401);
    assert!(!basic.header("www-authenticate").unwrap().contains("error="));

    for bad in ["not-a-jwt", "a.b.c"] {
        let answer = post(&server, Some(bad), &[], PING).await;
        assert_eq!(answer.status, 401);
        let challenge = answer.header("www-authenticate").expect("challenge");
        assert!(
            challenge.starts_with(
                r#"Bearer realm="todo-mcp", error="invalid_token", error_description=""#
            ),
            "{challenge}"
        );
        let message = answer.rpc_error(-32001, Value::Null);
        assert!(message.contains("todo-mcp token --user-id"), "{message}");
    }
}

/// Item 9: `ping` answers `{}` over HTTP whatever the client's protocol version and `Accept`,
/// as it does over stdio.
#[tokio::test]
async fn ping_answers_over_both_transports() {
    let token = token_for(&unique_user("ping"));
    let (db, server) = sqlite_server(&[], &[]).await;
    for version in ["", "2025-03-26", "2025-06-18", "2025-11-25"] {
        for accept in [BOTH, "*/*", "application/json"] {
            let headers = [("mcp-protocol-version", version), ("accept", accept)];
            let answer = post(&server, Some(&token), &headers, PING).await;
            assert_eq!(
                answer.status, 200,
                "[{version:?} {accept:?}] {}",
                answer.text
            );
            assert_eq!(
                answer.json(),
                json!({"jsonrpc": "2.0", "id": 1, "result": {}}),
                "[{version:?} {accept:?}]"
            );
        }
    }
    let mut stdio = RawStdio::start(&db).await;
    stdio.initialize().await;
    assert_eq!(
        stdio.ask(PING).await,
        json!({"jsonrpc": "2.0", "id": 1, "result": {}})
    );
}

//! Test support: the real `todo-mcp` binary and the real rmcp client over stdio and HTTP, on
//! both real backends (plumbing from `todo-testkit`).
#![allow(dead_code)]

use std::{ops::Deref, process::Stdio, time::Duration};

use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
    transport::{
        StreamableHttpClientTransport, TokioChildProcess,
        streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};
#[allow(unused_imports)]
pub use todo_testkit::{
    BACKENDS, Backend, Database, SECRET, Service, now, pg_url, postgres_url, proxy, sign,
    token_for, unique_user,
};
use tokio::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_todo-mcp");

/// A `todo-mcp serve` process on a free loopback port.
pub struct Server(Service);

impl Deref for Server {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.0
    }
}

impl Server {
    pub async fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[], &[]).await
    }

    pub async fn start_with(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut env = env.to_vec();
        env.push(("DATABASE_URL", database_url));
        Self(Service::start(BIN, args, &env).await)
    }

    pub async fn client(&self, token: &str) -> Client {
        self.try_client(token)
            .await
            .expect("MCP client over HTTP connects")
    }

    pub async fn try_client(&self, token: &str) -> Result<Client, String> {
        let config =
            StreamableHttpClientTransportConfig::with_uri(self.url("/mcp")).auth_header(token);
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        self.0.wait_exit(limit).await
    }
}

pub type Client = RunningService<RoleClient, ()>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Stdio,
    Http,
}

/// Every (backend, transport) pair; each tool test runs on all four.
pub fn setups() -> Vec<(Backend, Transport)> {
    BACKENDS
        .into_iter()
        .flat_map(|b| [(b, Transport::Stdio), (b, Transport::Http)])
        .collect()
}

/// `todo-mcp stdio` spawned by the rmcp client, acting as `user`.
pub async fn stdio_client(database_url: &str, identity: &[&str]) -> Result<Client, String> {
    let mut command = Command::new(BIN);
    command
        .arg("stdio")
        .args(identity)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("BETTER_AUTH_SECRET", SECRET);
    let (transport, _stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    ().serve(transport).await.map_err(|e| e.to_string())
}

/// A connected client for a fresh user on one (backend, transport) setup.
pub struct Harness {
    pub client: Client,
    pub user: String,
    pub label: String,
    pub db: Database,
    pub server: Option<Server>,
}

impl Harness {
    pub async fn connect(backend: Backend, transport: Transport) -> Self {
        let db = Database::new(backend);
        let user = unique_user("u");
        let label = format!("{backend:?}/{transport:?}");
        let (client, server) = match transport {
            Transport::Stdio => {
                let client = stdio_client(&db.url, &["--user-id", &user])
                    .await
                    .expect("stdio client");
                (client, None)
            }
            Transport::Http => {
                let server = Server::start(&db.url).await;
                (server.client(&token_for(&user)).await, Some(server))
            }
        };
        Self {
            client,
            user,
            label,
            db,
            server,
        }
    }

    /// Calls `tool` with `args`, adding this harness's `user_id` unless `args` has one.
    pub async fn call(&self, tool: &str, mut args: Value) -> CallToolResult {
        if let Some(map) = args.as_object_mut() {
            map.entry("user_id").or_insert_with(|| json!(self.user));
        }
        call(&self.client, tool, args).await
    }

    pub async fn ok(&self, tool: &str, args: Value) -> Value {
        let result = self.call(tool, args).await;
        result_json(&result).unwrap_or_else(|e| panic!("[{}] {tool}: {e}", self.label))
    }

    pub async fn err(&self, tool: &str, args: Value) -> String {
        let result = self.call(tool, args).await;
        error_text(&result)
            .unwrap_or_else(|| panic!("[{}] {tool} should fail: {result:?}", self.label))
    }

    pub async fn add(&self, title: &str) -> i64 {
        self.ok("add_task", json!({ "title": title })).await["task_id"]
            .as_i64()
            .expect("task_id")
    }

    pub async fn list(&self, status: &str) -> Vec<Value> {
        let value = self.ok("list_tasks", json!({ "status": status })).await;
        value["tasks"]
            .as_array()
            .cloned()
            .expect("list_tasks returns {\"tasks\": [...]}")
    }

    pub async fn titles(&self, status: &str) -> Vec<String> {
        self.list(status)
            .await
            .iter()
            .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// A call with `_meta` `{"io.todochatbot/idempotency-key": key}`.
pub async fn call_once(client: &Client, tool: &str, args: Value, key: Value) -> CallToolResult {
    let arguments = args.as_object().cloned().unwrap_or_default();
    let mut params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
    let mut meta = serde_json::Map::new();
    meta.insert("io.todochatbot/idempotency-key".to_owned(), key);
    params.meta = Some(meta.into());
    client
        .call_tool(params)
        .await
        .unwrap_or_else(|e| panic!("{tool} call failed at the protocol level: {e}"))
}

pub async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let arguments = args.as_object().cloned().unwrap_or_default();
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("{tool} call failed at the protocol level: {e}"))
}

/// The contract's JSON result (content[0]) of a successful call.
pub fn result_json(result: &CallToolResult) -> Result<Value, String> {
    if result.is_error == Some(true) {
        return Err(format!("tool error: {}", first_text(result)));
    }
    serde_json::from_str(&first_text(result)).map_err(|e| format!("not JSON: {e}"))
}

/// The message of a tool error, or `None` if the call succeeded.
pub fn error_text(result: &CallToolResult) -> Option<String> {
    (result.is_error == Some(true)).then(|| first_text(result))
}

pub fn first_text(result: &CallToolResult) -> String {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// A raw JSON-RPC `tools/call` POST, for what an MCP client library would not send.
pub async fn post_tool_call(
    http: &reqwest::Client,
    server: &Server,
    bearer: Option<&str>,
    tool: &str,
    args: Value,
) -> reqwest::Response {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": tool, "arguments": args }
    });
    let mut request = http
        .post(server.url("/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("POST /mcp")
}

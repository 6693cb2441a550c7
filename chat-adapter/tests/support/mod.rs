//! Test support: the real `todo-mcp` and `todo-chat` binaries on a real database, an HTTP
//! client for the contract's endpoints, and a local OpenAI-compatible server.
#![allow(dead_code)]

pub mod fake_openai;

use std::{path::PathBuf, sync::OnceLock};

use serde_json::{Value, json};
#[allow(unused_imports)]
pub use todo_testkit::{
    BACKENDS, Backend, Database, SECRET, Service, now, pg_url, postgres_url, proxy, sign,
    token_for, unique_user,
};

pub const CHAT_BIN: &str = env!("CARGO_BIN_EXE_todo-chat");

/// `todo-mcp` from the same target directory, built first if this test run did not build it.
pub fn mcp_bin() -> String {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        let path: PathBuf = PathBuf::from(CHAT_BIN).with_file_name("todo-mcp");
        if !path.exists() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["build", "-p", "todo-mcp"])
                .status()
                .expect("build todo-mcp");
            assert!(status.success(), "building todo-mcp failed");
        }
        path.display().to_string()
    })
    .clone()
}

/// todo-mcp and todo-chat on one database.
pub struct Stack {
    pub mcp: Service,
    pub chat: Service,
    pub db: Database,
}

impl Stack {
    /// The offline model.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, &[("OPENAI_MODEL", "local")]).await
    }

    pub async fn start_with(backend: Backend, chat_env: &[(&str, &str)]) -> Self {
        let db = Database::new(backend);
        let mcp = Service::start(&mcp_bin(), &[], &[("DATABASE_URL", &db.url)]).await;
        let chat = start_chat(&db.url, &mcp.url("/mcp"), chat_env).await;
        Self { mcp, chat, db }
    }

    /// An OpenAI-compatible model: the local fake server at `base` (any key), plus `env`.
    pub async fn with_openai(backend: Backend, base: &str, env: &[(&str, &str)]) -> Self {
        let mut all = vec![("OPENAI_API_KEY", "k"), ("OPENAI_BASE_URL", base)];
        all.extend_from_slice(env);
        Self::start_with(backend, &all).await
    }

    pub fn api(&self, user: &str) -> Api {
        Api::new(&self.chat, user)
    }
}

pub async fn start_chat(database_url: &str, mcp_url: &str, env: &[(&str, &str)]) -> Service {
    let mut env = env.to_vec();
    env.push(("DATABASE_URL", database_url));
    env.push(("MCP_SERVER_URL", mcp_url));
    Service::start(CHAT_BIN, &[], &env).await
}

/// One user's view of the HTTP contract.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub user: String,
    pub token: String,
}

impl Api {
    pub fn new(chat: &Service, user: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: chat.url(""),
            user: user.to_owned(),
            token: token_for(user),
        }
    }

    pub fn url(&self, rest: &str) -> String {
        format!("{}/api/{}{rest}", self.base, self.user)
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        rest: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, self.url(rest))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A chat turn that must succeed.
    pub async fn chat(&self, message: &str, conversation: Option<i64>) -> Value {
        let (status, body) = self.try_chat(message, conversation).await;
        assert_eq!(status, 200, "chat {message:?}: {body}");
        body
    }

    pub async fn try_chat(&self, message: &str, conversation: Option<i64>) -> (u16, Value) {
        let mut body = json!({ "message": message });
        if let Some(id) = conversation {
            body["conversation_id"] = json!(id);
        }
        self.send(reqwest::Method::POST, "/chat", Some(body)).await
    }

    /// A turn with a client_message_id: status, body and Retry-After.
    pub async fn chat_with_id(
        &self,
        message: &str,
        id: &str,
        conversation: Option<i64>,
    ) -> (u16, Value, Option<String>) {
        let mut body = json!({ "message": message, "client_message_id": id });
        if let Some(conversation) = conversation {
            body["conversation_id"] = json!(conversation);
        }
        let response = self
            .http
            .post(self.url("/chat"))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            retry_after,
        )
    }

    pub async fn tasks(&self) -> Vec<Value> {
        let (status, body) = self.send(reqwest::Method::GET, "/tasks", None).await;
        assert_eq!(status, 200, "{body}");
        body.as_array().cloned().unwrap_or_default()
    }

    /// Every task, page by page.
    pub async fn tasks_paged(&self) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let rest = format!("/tasks?limit=500&offset={}", all.len());
            let (status, body) = self.send(reqwest::Method::GET, &rest, None).await;
            assert_eq!(status, 200, "{body}");
            let page = body.as_array().cloned().unwrap_or_default();
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }

    pub async fn add(&self, title: &str) -> i64 {
        let (status, body) = self
            .send(
                reqwest::Method::POST,
                "/tasks",
                Some(json!({ "title": title })),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().expect("id")
    }

    pub async fn messages(&self, conversation: i64) -> Vec<Value> {
        let (status, body) = self
            .send(
                reqwest::Method::GET,
                &format!("/conversations/{conversation}/messages"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body.as_array().cloned().unwrap_or_default()
    }
}

pub fn tool_names(turn: &Value) -> Vec<String> {
    turn["tool_calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

//! Test plumbing shared by the services' integration tests: a service process on a free
//! loopback port, a database per backend, users, tokens, and a cuttable TCP proxy.

pub mod pg_url;
pub mod proxy;

use std::{
    net::SocketAddr,
    process::Stdio,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
    sync::oneshot,
};

/// Only for the tests' throwaway services.
pub const SECRET: &str = "integration-tests-only-secret-0123456789";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A database for one test: a fresh SQLite file, or the shared PostgreSQL test database
/// (tests there stay apart by using their own users).
pub struct Database {
    pub url: String,
    _dir: Option<TempDir>,
}

impl Database {
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("todo.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Self {
                url: postgres_url(),
                _dir: None,
            },
        }
    }
}

pub fn postgres_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL must name a PostgreSQL test database; `make test` starts one and sets it",
    )
}

/// A user id no other test uses.
pub fn unique_user(tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{tag}-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

pub fn token_for(user: &str) -> String {
    sign(
        &json!({ "sub": user, "exp": now() + 3600, "iat": now() }),
        SECRET,
    )
}

pub fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign test token")
}

/// A service binary started with `serve --listen 127.0.0.1:0`, reporting its address in its
/// "listening" log line; killed when dropped.
pub struct Service {
    child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Service {
    pub async fn start(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BETTER_AUTH_SECRET", SECRET)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {binary}: {e}"));
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = oneshot::channel();
        let sink = log.clone();
        tokio::spawn(async move {
            let mut ready_tx = Some(ready_tx);
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(tx) = ready_tx.take_if(|_| line.contains("\"listening\"")) {
                    let entry: Value = serde_json::from_str(&line).unwrap_or_default();
                    let _ = tx.send(entry["addr"].as_str().unwrap_or_default().to_owned());
                }
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(30), ready_rx)
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{binary} serve did not start:\n{}",
                    log.lock().expect("log")
                )
            });
        Self { child, addr, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

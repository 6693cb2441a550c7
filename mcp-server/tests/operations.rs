//! Running the HTTP server: readiness through a database outage, graceful shutdown, metrics,
//! host validation, request limits, logs, and the embedded default database.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{
    BACKENDS, Database, Server, call, error_text, pg_url::PgUrl, post_tool_call, proxy::Proxy,
    result_json, token_for, unique_user,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn status(http: &reqwest::Client, url: String) -> u16 {
    http.get(url)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

async fn wait_for_status(http: &reqwest::Client, url: &str, want: u16, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if status(http, url.to_owned()).await == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// PostgreSQL goes away and comes back: readiness follows, and calls in between fail cleanly
/// and quickly instead of hanging. (The embedded SQLite file cannot become unreachable.)
#[tokio::test]
async fn readiness_follows_the_database_and_recovers_without_restart() {
    let real = PgUrl::parse(&support::postgres_url());
    let proxy = Proxy::start(real.addr).await;
    let server = Server::start(&real.with_addr(proxy.addr)).await;
    let http = reqwest::Client::new();
    let user = unique_user("outage");
    let client = server.client(&token_for(&user)).await;
    let ready = server.url("/readyz");
    assert_eq!(status(&http, ready.clone()).await, 200);
    assert!(
        result_json(
            &call(
                &client,
                "add_task",
                json!({ "user_id": user, "title": "before" })
            )
            .await
        )
        .is_ok()
    );

    proxy.cut();
    assert!(
        wait_for_status(&http, &ready, 503, Duration::from_secs(10)).await,
        "readyz turns 503"
    );
    let started = Instant::now();
    let during = call(
        &client,
        "add_task",
        json!({ "user_id": user, "title": "during" }),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the call fails fast, not hangs"
    );
    let error = error_text(&during).expect("a tool error, not a protocol failure");
    assert!(error.contains("database is unavailable"), "{error}");
    assert_eq!(
        status(&http, server.url("/healthz")).await,
        200,
        "still alive"
    );

    proxy.restore().await;
    assert!(
        wait_for_status(&http, &ready, 200, Duration::from_secs(15)).await,
        "readyz recovers"
    );
    assert!(
        result_json(
            &call(
                &client,
                "add_task",
                json!({ "user_id": user, "title": "after" })
            )
            .await
        )
        .is_ok()
    );
    let titles: Vec<String> = result_json(
        &call(&client, "list_tasks", json!({ "user_id": user })).await,
    )
    .unwrap()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        titles,
        ["before", "after"],
        "nothing half-written during the outage"
    );
}

/// SIGTERM while a request is mid-flight: the request completes, new connections are refused,
/// and the process exits cleanly.
#[tokio::test]
async fn sigterm_finishes_in_flight_calls_then_exits() {
    let db = Database::new(support::Backend::Sqlite);
    let mut server = Server::start(&db.url).await;
    let user = unique_user("term");
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "add_task", "arguments": { "user_id": user, "title": "survives shutdown" } }
    })
    .to_string();
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        token_for(&user),
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(server.addr).await.is_err(),
        "no new connections after SIGTERM"
    );

    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "in-flight call answered: {response}"
    );
    assert!(
        response.contains("survives shutdown") && response.contains("\"isError\":false"),
        "{response}"
    );
    let exit = server
        .wait_exit(Duration::from_secs(10))
        .await
        .expect("exits after draining");
    assert!(exit.success(), "clean exit: {exit:?}");
}

#[tokio::test]
async fn metrics_count_tool_calls_by_outcome() {
    let db = Database::new(support::Backend::Sqlite);
    let server = Server::start(&db.url).await;
    let user = unique_user("metrics");
    let client = server.client(&token_for(&user)).await;
    call(
        &client,
        "add_task",
        json!({ "user_id": user, "title": "one" }),
    )
    .await;
    call(
        &client,
        "add_task",
        json!({ "user_id": user, "title": "two" }),
    )
    .await;
    call(
        &client,
        "complete_task",
        json!({ "user_id": user, "task_id": 987_654 }),
    )
    .await;
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"todo_mcp_tool_calls_total{tool="add_task",outcome="ok"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"todo_mcp_tool_calls_total{tool="complete_task",outcome="tool_error"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"todo_mcp_tool_call_duration_seconds_count{tool="add_task"} 2"#),
        "{text}"
    );
}

#[tokio::test]
async fn hosts_outside_the_allow_list_are_refused() {
    let db = Database::new(support::Backend::Sqlite);
    let user = unique_user("hosts");
    let http = reqwest::Client::new();
    let server = Server::start(&db.url).await;
    let rebinding = http
        .post(server.url("/mcp"))
        .header("host", "evil.example")
        .bearer_auth(token_for(&user))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        rebinding.status(),
        403,
        "DNS-rebinding protection is on by default"
    );

    let named = Server::start_with(
        &db.url,
        &["--allowed-hosts", "todo-mcp,localhost,127.0.0.1"],
        &[],
    )
    .await;
    let via_service_name = http
        .post(named.url("/mcp"))
        .header("host", format!("todo-mcp:{}", named.addr.port()))
        .bearer_auth(token_for(&user))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        via_service_name.status(),
        200,
        "a configured service name is accepted"
    );
}

#[tokio::test]
async fn oversized_bodies_unknown_paths_and_health() {
    let db = Database::new(support::Backend::Sqlite);
    let server = Server::start(&db.url).await;
    let http = reqwest::Client::new();
    let user = unique_user("limits");
    // Its own client: the server may close a connection whose body it refused to read.
    let huge = post_tool_call(
        &reqwest::Client::new(),
        &server,
        Some(&token_for(&user)),
        "add_task",
        json!({
            "user_id": user, "title": "x", "description": "y".repeat(200_000)
        }),
    )
    .await;
    assert_eq!(huge.status(), 413);
    assert_eq!(status(&http, server.url("/healthz")).await, 200);
    assert_eq!(status(&http, server.url("/readyz")).await, 200);
    assert_eq!(status(&http, server.url("/nope")).await, 404);
    let post_health = http.post(server.url("/healthz")).send().await.unwrap();
    assert_eq!(post_health.status(), 405);
}

#[tokio::test]
async fn logs_are_json_lines_without_tokens_or_secrets() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start_with(&db.url, &[], &[("RUST_LOG", "debug")]).await;
        let user = unique_user("logs");
        let token = token_for(&user);
        let client = server.client(&token).await;
        call(
            &client,
            "add_task",
            json!({ "user_id": user, "title": "x" }),
        )
        .await;
        let http = reqwest::Client::new();
        post_tool_call(
            &http,
            &server,
            Some("garbage.token.value"),
            "list_tasks",
            json!({}),
        )
        .await;
        let log = server.log();
        assert!(!log.is_empty());
        for line in log.lines() {
            assert!(
                serde_json::from_str::<serde_json::Value>(line).is_ok(),
                "[{backend:?}] JSON line: {line}"
            );
        }
        assert!(
            !log.contains(&token),
            "[{backend:?}] the bearer token is never logged"
        );
        assert!(
            !log.contains("garbage.token.value"),
            "[{backend:?}] nor a rejected one"
        );
        assert!(
            !log.contains(support::SECRET),
            "[{backend:?}] nor the secret"
        );
    }
}

#[tokio::test]
async fn without_database_url_a_sqlite_file_is_created_in_the_data_directory() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let output = tokio::process::Command::new(support::BIN)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        data.join("todo-chatbot").join("todo.db").exists(),
        "the embedded default was created"
    );
}

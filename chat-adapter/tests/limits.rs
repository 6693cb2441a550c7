//! Everything is bounded: a user's turn rate (429, others unaffected), conversations per user,
//! the time a client may take to send its headers, requests in flight, and list pages.

mod support;

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use support::{
    BACKENDS, Backend, Stack,
    fake_openai::{FakeOpenAi, Reply},
    unique_user,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_user_over_the_turn_rate_gets_429_and_others_are_unaffected() {
    let stack = Stack::start_with(
        Backend::Sqlite,
        &[("OPENAI_MODEL", "local"), ("TODO_TURNS_PER_MINUTE", "3")],
    )
    .await;
    let eager = stack.api(&unique_user("eager"));
    for n in 0..3 {
        eager.chat(&format!("add a task to item {n}"), None).await;
    }
    let response = eager
        .http
        .post(eager.url("/chat"))
        .bearer_auth(&eager.token)
        .json(&json!({ "message": "add a task to one more" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("3 a minute"),
        "{body}"
    );
    assert_eq!(eager.tasks().await.len(), 3, "the refused turn ran nothing");
    let calm = stack.api(&unique_user("calm"));
    calm.chat("add a task to water plants", None).await;
}

/// The quota reads a per-user count kept by each backend's own trigger; deleting makes room.
#[tokio::test]
async fn new_conversations_stop_at_the_quota() {
    for backend in BACKENDS {
        let stack = Stack::start_with(
            backend,
            &[
                ("OPENAI_MODEL", "local"),
                ("TODO_MAX_CONVERSATIONS_PER_USER", "2"),
            ],
        )
        .await;
        let api = stack.api(&unique_user("hoarder"));
        let first = api.chat("hello", None).await["conversation_id"]
            .as_i64()
            .unwrap();
        api.chat("hello again", None).await;
        let (status, body) = api.try_chat("a third", None).await;
        assert_eq!(status, 409, "[{backend:?}] {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("2 conversations"),
            "[{backend:?}] {body}"
        );
        // Another user's count is their own.
        stack.api(&unique_user("other")).chat("hello", None).await;
        // An existing conversation goes on; deleting one makes room, for one.
        api.chat("still here", Some(first)).await;
        let (status, _) = api
            .send(Method::DELETE, &format!("/conversations/{first}"), None)
            .await;
        assert_eq!(status, 204, "[{backend:?}]");
        api.chat("a third, now", None).await;
        let (status, body) = api.try_chat("a fourth", None).await;
        assert_eq!(status, 409, "[{backend:?}] {body}");
    }
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_dropped() {
    let stack = Stack::start_with(
        Backend::Sqlite,
        &[
            ("OPENAI_MODEL", "local"),
            ("TODO_HEADER_READ_TIMEOUT", "1s"),
        ],
    )
    .await;
    let mut slow = tokio::net::TcpStream::connect(stack.chat.addr)
        .await
        .unwrap();
    slow.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    // A client that finishes in time is served.
    let ok = reqwest::get(stack.chat.url("/livez")).await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn requests_beyond_the_in_flight_limit_get_503() {
    let fake = FakeOpenAi::start(vec![Reply::Slow(
        Duration::from_millis(1500),
        Box::new(Reply::Text("done")),
    )])
    .await;
    let base = fake.base_url();
    let stack = Stack::with_openai(Backend::Sqlite, &base, &[("TODO_MAX_IN_FLIGHT", "1")]).await;
    let api = stack.api(&unique_user("busy"));
    let busy = api.try_chat("hello", None);
    let probe = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        reqwest::get(stack.chat.url("/livez")).await.unwrap()
    };
    let ((status, _), refused) = tokio::join!(busy, probe);
    assert_eq!(status, 200);
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "1");
    let after = reqwest::get(stack.chat.url("/livez")).await.unwrap();
    assert_eq!(after.status(), 200, "a slot is free again");
}

#[tokio::test]
async fn the_task_list_pages_with_a_total_count() {
    let stack = Stack::start(Backend::Sqlite).await;
    let api = stack.api(&unique_user("pager"));
    for n in 0..5 {
        api.add(&format!("task {n}")).await;
    }
    let response = api
        .http
        .get(api.url("/tasks?limit=2&offset=2"))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "5");
    let page: Vec<serde_json::Value> = response.json().await.unwrap();
    let ids: Vec<i64> = page.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [3, 4]);
    assert_eq!(
        api.tasks().await.len(),
        5,
        "the default page holds them all"
    );
    for bad in ["/tasks?limit=0", "/tasks?limit=501", "/tasks?offset=-1"] {
        let (status, body) = api.send(Method::GET, bad, None).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
}

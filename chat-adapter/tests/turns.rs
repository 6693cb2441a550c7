//! A chat turn as a production client meets it: retried with its `client_message_id` it runs
//! once; it ends by its deadline; it streams as Server-Sent Events and stops when the client
//! goes away; conversations are titled, renamed and deleted; every request carries an id; and
//! readiness names what is wrong.

mod support;

use std::time::Duration;

use futures::{StreamExt, future::join_all};
use reqwest::Method;
use serde_json::{Value, json};
use support::{
    Api, BACKENDS, Backend, Service, Stack,
    fake_openai::{FakeOpenAi, Reply},
    mcp_bin, start_chat, tool_names, unique_user,
};

/// The events of a streamed answer, as (name, data).
async fn stream_chat(api: &Api, body: Value) -> (u16, String, Vec<(String, Value)>) {
    let response = api
        .http
        .post(api.url("/chat"))
        .bearer_auth(&api.token)
        .header("accept", "text/event-stream")
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap_or_default();
    (status, content_type, parse_events(&text))
}

fn parse_events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = String::new();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(rest) = line.strip_prefix("event: ") {
                    name = rest.to_owned();
                } else if let Some(rest) = line.strip_prefix("data: ") {
                    data.push_str(rest);
                }
            }
            (name, serde_json::from_str(&data).unwrap_or(Value::Null))
        })
        .collect()
}

#[tokio::test]
async fn a_retried_message_runs_once_and_gets_the_first_answer() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let api = stack.api(&unique_user("retry"));
        let (status, first, _) = api
            .chat_with_id("add a task to buy milk", "msg-1", None)
            .await;
        assert_eq!(status, 200, "[{backend:?}] {first}");
        assert_eq!(tool_names(&first), ["add_task"]);
        let conversation = first["conversation_id"].as_i64().unwrap();
        for _ in 0..2 {
            let (status, again, _) = api
                .chat_with_id("add a task to buy milk", "msg-1", None)
                .await;
            assert_eq!(
                (status, &again),
                (200, &first),
                "[{backend:?}] the stored answer"
            );
        }
        assert_eq!(
            api.tasks().await.len(),
            1,
            "[{backend:?}] add_task ran once"
        );
        assert_eq!(
            api.messages(conversation).await.len(),
            2,
            "[{backend:?}] the user message is stored once"
        );
        // A new id is a new turn; the same id for another user is that user's own.
        let (status, second, _) = api
            .chat_with_id("add a task to buy milk", "msg-2", Some(conversation))
            .await;
        assert_eq!(status, 200, "{second}");
        assert_eq!(api.tasks().await.len(), 2);
        let other = stack.api(&unique_user("retry-other"));
        let (status, theirs, _) = other
            .chat_with_id("add a task to call mom", "msg-1", None)
            .await;
        assert_eq!(status, 200, "{theirs}");
        assert_eq!(tool_names(&theirs), ["add_task"], "ids are per user");
        assert_eq!(other.tasks().await.len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_run_once() {
    let stack = Stack::start(Backend::Postgres).await;
    let api = stack.api(&unique_user("dupes"));
    let attempts = (0..8).map(|_| api.chat_with_id("add a task to pay rent", "same", None));
    let results = join_all(attempts).await;
    let answers: Vec<&Value> = results
        .iter()
        .filter(|(status, ..)| *status == 200)
        .map(|(_, body, _)| body)
        .collect();
    assert!(!answers.is_empty(), "{results:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "{results:?}");
    for (status, body, retry_after) in &results {
        assert!(matches!(status, 200 | 409), "{status} {body}");
        if *status == 409 {
            assert_eq!(retry_after.as_deref(), Some("1"), "{body}");
        }
    }
    assert_eq!(
        api.tasks().await.len(),
        1,
        "one add_task for eight attempts"
    );
}

#[tokio::test]
async fn a_turn_that_failed_before_changing_anything_runs_again_on_retry() {
    // async-openai retries a 5xx three times; the fourth failure is final.
    let mut script: Vec<Reply> = (0..4).map(|_| Reply::Status(500)).collect();
    script.push(Reply::ToolCalls(vec![(
        "add_task",
        json!({ "title": "water plants" }),
    )]));
    script.push(Reply::Text("Added 'water plants'."));
    let fake = FakeOpenAi::start(script).await;
    let base = fake.base_url();
    let stack = Stack::with_openai(Backend::Sqlite, &base, &[]).await;
    let api = stack.api(&unique_user("failed-once"));
    let (status, failed, _) = api.chat_with_id("add water plants", "m", None).await;
    assert_eq!(status, 502, "{failed}");
    let (status, retried, _) = api.chat_with_id("add water plants", "m", None).await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["response"], "Added 'water plants'.");
    assert_eq!(api.tasks().await.len(), 1);
    let conversation = retried["conversation_id"].as_i64().unwrap();
    assert_eq!(failed["conversation_id"].as_i64(), Some(conversation));
    let roles: Vec<Value> = api
        .messages(conversation)
        .await
        .iter()
        .map(|m| m["role"].clone())
        .collect();
    assert_eq!(
        roles,
        [json!("user"), json!("assistant")],
        "one user message"
    );
}

#[tokio::test]
async fn the_deadline_ends_a_turn_with_504_listing_the_calls_that_ran() {
    let fake = FakeOpenAi::start(vec![
        Reply::ToolCalls(vec![("add_task", json!({ "title": "slow one" }))]),
        Reply::Delay(Duration::from_secs(5)),
    ])
    .await;
    let base = fake.base_url();
    let stack = Stack::with_openai(Backend::Sqlite, &base, &[("TODO_TURN_DEADLINE", "1s")]).await;
    let api = stack.api(&unique_user("deadline"));
    let started = std::time::Instant::now();
    let (status, body, _) = api.chat_with_id("add slow one", "late", None).await;
    assert_eq!(status, 504, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "ended at the deadline"
    );
    assert_eq!(tool_names(&body), ["add_task"], "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("ran out of time"),
        "{body}"
    );
    assert_eq!(api.tasks().await.len(), 1);
    // A retry gets the same answer and runs nothing again.
    let (status, again, _) = api.chat_with_id("add slow one", "late", None).await;
    assert_eq!((status, &again), (504, &body));
    assert_eq!(api.tasks().await.len(), 1);
    assert_eq!(
        fake.requests.lock().unwrap().len(),
        2,
        "no model call on the retry"
    );
}

#[tokio::test]
async fn a_streamed_turn_sends_its_calls_its_text_and_the_same_answer() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let api = stack.api(&unique_user("stream"));
        let body = json!({ "message": "add a task to buy milk. Also add a task to call mom", "client_message_id": "s-1" });
        let (status, content_type, events) = stream_chat(&api, body.clone()).await;
        assert_eq!(status, 200);
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"conversation"), "{events:?}");
        assert_eq!(names.last(), Some(&"done"), "{events:?}");
        let done = &events.last().unwrap().1;
        let calls: Vec<&Value> = events
            .iter()
            .filter(|(n, _)| n == "tool_call")
            .map(|(_, d)| d)
            .collect();
        assert_eq!(calls.len(), 2, "[{backend:?}] {events:?}");
        assert_eq!(
            json!(calls),
            done["tool_calls"],
            "the chips are the answer's calls"
        );
        let text: String = events
            .iter()
            .filter(|(n, _)| n == "text")
            .map(|(_, d)| d["delta"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            text,
            done["response"].as_str().unwrap(),
            "the pieces make the reply"
        );
        assert!(
            names.iter().filter(|n| **n == "text").count() >= 2,
            "sentence by sentence: {names:?}"
        );
        assert_eq!(events[0].1["conversation_id"], done["conversation_id"]);
        // The same message again, streamed: the stored answer, nothing run twice.
        let (_, _, replay) = stream_chat(&api, body).await;
        assert_eq!(replay.last().map(|(_, d)| d), Some(done));
        assert_eq!(api.tasks().await.len(), 2);
        // Errors known before the turn starts stay plain JSON errors.
        let (status, content_type, _) = stream_chat(
            &api,
            json!({ "message": "hi", "conversation_id": 999_999_999 }),
        )
        .await;
        assert_eq!(status, 404);
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
    }
}

#[tokio::test]
async fn closing_a_stream_stops_the_turn_before_its_next_step() {
    let fake = FakeOpenAi::start(vec![
        Reply::ToolCalls(vec![("add_task", json!({ "title": "first" }))]),
        Reply::Slow(
            Duration::from_millis(1500),
            Box::new(Reply::ToolCalls(vec![(
                "add_task",
                json!({ "title": "second" }),
            )])),
        ),
        Reply::Text("Added both."),
    ])
    .await;
    let base = fake.base_url();
    let stack = Stack::with_openai(Backend::Sqlite, &base, &[]).await;
    let api = stack.api(&unique_user("stopper"));
    let response = api
        .http
        .post(api.url("/chat"))
        .bearer_auth(&api.token)
        .header("accept", "text/event-stream")
        .json(&json!({ "message": "add first and second", "client_message_id": "stop-me" }))
        .send()
        .await
        .expect("request");
    let mut chunks = response.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: tool_call") {
        let chunk = chunks.next().await.expect("an event").expect("bytes");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(chunks); // the Stop button
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let titles: Vec<Value> = api
        .tasks()
        .await
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, [json!("first")], "the second call never ran");
    let (status, answer, _) = api
        .chat_with_id("add first and second", "stop-me", None)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["response"].as_str().unwrap().starts_with("Stopped"),
        "{answer}"
    );
    assert_eq!(tool_names(&answer), ["add_task"]);
}

#[tokio::test]
async fn conversations_are_titled_renamed_and_deleted() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let api = stack.api(&unique_user("titles"));
        let long = format!("add a task to {}", "organise the garage ".repeat(6));
        let first = api.chat(&long, None).await["conversation_id"]
            .as_i64()
            .unwrap();
        let second = api.chat("what's pending?", None).await["conversation_id"]
            .as_i64()
            .unwrap();
        let (status, listed) = api.send(Method::GET, "/conversations", None).await;
        assert_eq!(status, 200);
        assert_eq!(listed[0]["id"].as_i64(), Some(second), "newest first");
        assert_eq!(listed[0]["title"], "what's pending?");
        let title = listed[1]["title"].as_str().unwrap();
        assert!(
            title.starts_with("add a task to organise the garage") && title.ends_with('…'),
            "{title}"
        );
        assert!(title.chars().count() <= 61, "{title}");

        let path = format!("/conversations/{first}");
        let (status, renamed) = api
            .send(Method::PATCH, &path, Some(json!({ "title": " Garage " })))
            .await;
        assert_eq!(
            (status, renamed["title"].as_str()),
            (200, Some("Garage")),
            "{renamed}"
        );
        let (status, _) = api
            .send(Method::PATCH, &path, Some(json!({ "title": "" })))
            .await;
        assert_eq!(status, 422);
        let (_, listed) = api.send(Method::GET, "/conversations?limit=1", None).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "paged");

        let stranger = stack.api(&unique_user("titles-stranger"));
        for (method, body) in [
            (Method::PATCH, Some(json!({ "title": "mine" }))),
            (Method::DELETE, None),
        ] {
            let (status, answer) = stranger.send(method, &path, body).await;
            assert_eq!(
                status, 404,
                "another user's conversation is absent: {answer}"
            );
        }
        let (status, _) = api.send(Method::DELETE, &path, None).await;
        assert_eq!(status, 204);
        let (status, _) = api.send(Method::DELETE, &path, None).await;
        assert_eq!(status, 404);
        let (status, _) = api
            .send(Method::GET, &format!("{path}/messages"), None)
            .await;
        assert_eq!(status, 404, "[{backend:?}] its messages are gone");
        let (status, _) = api
            .send(
                Method::POST,
                "/chat",
                Some(json!({ "message": "hi", "conversation_id": first })),
            )
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn messages_are_paged_newest_last() {
    let stack = Stack::start(Backend::Sqlite).await;
    let api = stack.api(&unique_user("pages"));
    let conversation = api.chat("hello", None).await["conversation_id"]
        .as_i64()
        .unwrap();
    for n in 0..3 {
        api.chat(&format!("add a task to item {n}"), Some(conversation))
            .await;
    }
    let path = format!("/conversations/{conversation}/messages");
    let (_, last_two) = api
        .send(Method::GET, &format!("{path}?limit=2"), None)
        .await;
    let last_two = last_two.as_array().unwrap().clone();
    assert_eq!(last_two.len(), 2);
    assert_eq!(last_two[1]["role"], "assistant");
    let before = last_two[0]["id"].as_i64().unwrap();
    let (_, earlier) = api
        .send(
            Method::GET,
            &format!("{path}?limit=100&before={before}"),
            None,
        )
        .await;
    assert_eq!(earlier.as_array().unwrap().len(), 6, "{earlier}");
    let (status, _) = api
        .send(Method::GET, &format!("{path}?limit=501"), None)
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn every_request_carries_an_id_and_one_log_line() {
    let stack = Stack::start(Backend::Sqlite).await;
    let api = stack.api(&unique_user("traced"));
    let sent = api
        .http
        .get(api.url("/tasks"))
        .bearer_auth(&api.token)
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.headers()["x-request-id"], "trace-me-42");
    let fresh = api.http.get(stack.chat.url("/livez")).send().await.unwrap();
    let generated = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(generated.len() >= 16, "{generated}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = stack.chat.log();
    let line: Value = log
        .lines()
        .filter(|l| l.contains("trace-me-42") && l.contains("\"request\""))
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no access log line:\n{log}"));
    let fields = if line["fields"].is_object() {
        &line["fields"]
    } else {
        &line
    };
    assert_eq!(fields["route"], "/api/{user_id}/tasks", "{line}");
    assert_eq!(fields["status"], 200, "{line}");
    assert_eq!(fields["user"], api.user.as_str(), "{line}");
    // The id travels on to todo-mcp.
    assert!(
        stack.mcp.log().contains("trace-me-42"),
        "todo-mcp did not see the id"
    );
}

#[tokio::test]
async fn readiness_names_a_secret_the_task_service_refuses() {
    let db = support::Database::new(Backend::Sqlite);
    let other_secret = "a-different-secret-that-is-long-enough-0123456789";
    let mcp = Service::start(
        &mcp_bin(),
        &[],
        &[
            ("DATABASE_URL", &db.url),
            ("BETTER_AUTH_SECRET", other_secret),
        ],
    )
    .await;
    let chat = start_chat(&db.url, &mcp.url("/mcp"), &[("OPENAI_MODEL", "local")]).await;
    let http = reqwest::Client::new();
    let ready = http.get(chat.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let cause = ready.text().await.unwrap();
    assert!(cause.contains("BETTER_AUTH_SECRET"), "{cause}");
    let api = Api::new(&chat, &unique_user("misconfigured"));
    let (status, body) = api.try_chat("add a task to x", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("misconfigured"),
        "{body}"
    );
    for _ in 0..3 {
        api.try_chat("add a task to x", None).await;
    }
    let loud = chat.log().matches("CONFIGURATION ERROR").count();
    assert_eq!(loud, 1, "logged once, loudly:\n{}", chat.log());
}

#[tokio::test]
async fn an_openai_model_streams_its_reply_as_it_is_written() {
    let fake = FakeOpenAi::start(vec![
        Reply::ToolCalls(vec![("add_task", json!({ "title": "buy milk" }))]),
        Reply::Text("Added 'buy milk' to your list, as task 1."),
    ])
    .await;
    let base = fake.base_url();
    let stack = Stack::with_openai(Backend::Sqlite, &base, &[]).await;
    let api = stack.api(&unique_user("openai-stream"));
    let (status, _, events) = stream_chat(&api, json!({ "message": "add buy milk" })).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let texts = names.iter().filter(|n| **n == "text").count();
    assert!(texts >= 5, "word by word, as the model wrote it: {names:?}");
    assert_eq!(names.iter().filter(|n| **n == "tool_call").count(), 1);
    let done = &events.last().unwrap().1;
    let text: String = events
        .iter()
        .filter(|(n, _)| n == "text")
        .map(|(_, d)| d["delta"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(text, done["response"].as_str().unwrap());
    assert_eq!(
        done["response"],
        "Added 'buy milk' to your list, as task 1."
    );
    let requests = fake.requests.lock().unwrap().clone();
    assert!(
        requests.iter().all(|(_, r)| r["stream"] == json!(true)),
        "asked to stream"
    );
    assert!(
        requests
            .iter()
            .all(|(_, r)| r["max_completion_tokens"] == json!(1024))
    );
    // Without Accept: text/event-stream the same model answers in one piece.
    let (status, body) = api.try_chat("thanks", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        fake.requests
            .lock()
            .unwrap()
            .last()
            .unwrap()
            .1
            .get("stream"),
        None
    );
}

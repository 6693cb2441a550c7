//! The chat endpoint end to end: HTTP -> agent -> MCP over HTTP -> database, and back.

mod support;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use support::{
    Api, BACKENDS, Backend, Stack,
    fake_openai::{FakeOpenAi, Reply},
    start_chat, tool_names, unique_user,
};

#[tokio::test]
async fn offline_model_manages_the_list_and_says_so() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let api = stack.api(&unique_user("talker"));
        let first = api.chat("Add a task to buy groceries", None).await;
        let conversation = first["conversation_id"].as_i64().expect("conversation_id");
        assert_eq!(tool_names(&first), ["add_task"], "[{backend:?}] {first}");
        assert_eq!(first["tool_calls"][0]["result"]["status"], "created");
        assert!(
            first["response"]
                .as_str()
                .unwrap()
                .contains("buy groceries"),
            "{first}"
        );

        let pending = api.chat("what's pending?", Some(conversation)).await;
        assert!(
            tool_names(&pending).contains(&"list_tasks".to_owned()),
            "{pending}"
        );
        assert!(
            pending["response"]
                .as_str()
                .unwrap()
                .contains("buy groceries"),
            "{pending}"
        );

        let done = api.chat("I bought the groceries", Some(conversation)).await;
        assert!(
            tool_names(&done).contains(&"complete_task".to_owned()),
            "{done}"
        );
        let tasks = api.tasks().await;
        assert_eq!(tasks.len(), 1);
        assert_eq!(
            (tasks[0]["title"].as_str(), tasks[0]["completed"].as_bool()),
            (Some("buy groceries"), Some(true))
        );

        let messages = api.messages(conversation).await;
        let roles: Vec<&str> = messages.iter().filter_map(|m| m["role"].as_str()).collect();
        assert_eq!(
            roles,
            [
                "user",
                "assistant",
                "user",
                "assistant",
                "user",
                "assistant"
            ],
            "[{backend:?}]"
        );
        let (status, list) = api.send(Method::GET, "/conversations", None).await;
        assert_eq!((status, list[0]["id"].as_i64()), (200, Some(conversation)));
    }
}

#[tokio::test]
async fn a_fresh_adapter_process_continues_the_conversation() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let user = unique_user("restart");
        let first = stack.api(&user).chat("add a task to stretch", None).await;
        let conversation = first["conversation_id"].as_i64().unwrap();
        let Stack { mcp, chat, db } = stack;
        chat.stop().await;

        let second = start_chat(&db.url, &mcp.url("/mcp"), &[("OPENAI_MODEL", "local")]).await;
        let api = Api::new(&second, &user);
        let turn = api.chat("done, mark it complete", Some(conversation)).await;
        assert_eq!(
            changes(&turn),
            ["complete_task"],
            "[{backend:?}] 'it' resolved from the stored history: {turn}"
        );
        assert_eq!(api.tasks().await[0]["completed"], true);
    }
}

/// The data-changing tool calls of a turn (the offline model may list the tasks first).
fn changes(turn: &Value) -> Vec<String> {
    tool_names(turn)
        .into_iter()
        .filter(|name| name != "list_tasks")
        .collect()
}

#[tokio::test]
async fn a_pending_question_survives_a_restart() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let user = unique_user("confirm");
        let api = stack.api(&user);
        let first = api.chat("add a task to text the accountant", None).await;
        let conversation = first["conversation_id"].as_i64().unwrap();
        // Asked indirectly: the model asks first and changes nothing.
        let asked = api
            .chat("can I delete the accountant task?", Some(conversation))
            .await;
        assert!(changes(&asked).is_empty(), "[{backend:?}] {asked}");
        assert!(
            asked["response"]
                .as_str()
                .unwrap()
                .contains("text the accountant"),
            "[{backend:?}] the question names the task: {asked}"
        );
        assert_eq!(api.tasks().await.len(), 1);
        let Stack { mcp, chat, db } = stack;
        chat.stop().await;

        // Another process answers: the open question lives in the database, not in memory.
        let second = start_chat(&db.url, &mcp.url("/mcp"), &[("OPENAI_MODEL", "local")]).await;
        let api = Api::new(&second, &user);
        let yes = api.chat("yes", Some(conversation)).await;
        assert_eq!(changes(&yes), ["delete_task"], "[{backend:?}] {yes}");
        assert!(api.tasks().await.is_empty());
        // The same answer again is not a second "yes": the question was answered.
        let again = api.chat("yes", Some(conversation)).await;
        assert!(changes(&again).is_empty(), "[{backend:?}] {again}");
    }
}

#[tokio::test]
async fn an_openai_compatible_model_drives_the_tools() {
    let fake = FakeOpenAi::start(vec![
        Reply::ToolCalls(vec![("create_todo", json!({ "title": "buy milk" }))]),
        Reply::ToolCalls(vec![(
            "add_task",
            json!({ "user_id": "someone-else", "title": "buy milk" }),
        )]),
        Reply::Text("Added 'buy milk' to your list."),
    ])
    .await;
    let base = fake.base_url();
    let stack = Stack::start_with(
        Backend::Postgres,
        &[
            ("OPENAI_API_KEY", "test-key"),
            ("OPENAI_BASE_URL", &base),
            ("OPENAI_MODEL", "test-model"),
        ],
    )
    .await;
    let api = stack.api(&unique_user("openai"));
    let turn = api.chat("please add buy milk", None).await;
    assert_eq!(turn["response"], "Added 'buy milk' to your list.");
    assert_eq!(tool_names(&turn), ["create_todo", "add_task"]);
    let invented = turn["tool_calls"][0]["result"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        invented.contains("no tool named"),
        "an invented tool is a correctable error: {turn}"
    );
    assert_eq!(
        turn["tool_calls"][1]["arguments"]["user_id"], api.user,
        "the model never chooses whose data"
    );
    assert_eq!(turn["tool_calls"][1]["result"]["title"], "buy milk");
    assert_eq!(api.tasks().await[0]["title"], "buy milk");

    let requests = fake.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "one request per model step");
    let (auth, first) = &requests[0];
    assert_eq!(auth, "Bearer test-key");
    assert_eq!(first["model"], "test-model");
    let tools: Vec<&str> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    assert_eq!(
        tools.len(),
        5,
        "the MCP tools become the model's functions: {tools:?}"
    );
    assert_eq!(first["messages"][0]["role"], "system");
    let second = &requests[2].1["messages"];
    let tool_message = second
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["role"] == "tool")
        .expect("tool result sent back");
    let result: Value = serde_json::from_str(tool_message["content"].as_str().unwrap()).unwrap();
    assert_eq!(result["status"], "created");
}

#[tokio::test]
async fn model_failures_are_clear_errors_that_keep_the_message() {
    // async-openai retries a 5xx three times (100-400 ms apart); the fourth failure is final.
    let cases: [(Vec<Reply>, u16); 2] = [
        ((0..4).map(|_| Reply::Status(500)).collect(), 502),
        (vec![Reply::Delay(Duration::from_secs(3))], 504),
    ];
    for (script, expected) in cases {
        let fake = FakeOpenAi::start(script).await;
        let base = fake.base_url();
        let stack = Stack::start_with(
            Backend::Sqlite,
            &[
                ("OPENAI_API_KEY", "k"),
                ("OPENAI_BASE_URL", &base),
                ("TODO_MODEL_TIMEOUT", "1s"),
            ],
        )
        .await;
        let api = stack.api(&unique_user("flaky"));
        let (status, body) = api.try_chat("add a task to water plants", None).await;
        assert_eq!(status, expected, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("your message was saved")),
            "{body}"
        );
        let conversation = body["conversation_id"]
            .as_i64()
            .expect("the conversation to retry in");
        let messages = api.messages(conversation).await;
        assert_eq!(
            messages.len(),
            1,
            "the user's message is kept, no reply stored"
        );
        assert_eq!(messages[0]["content"], "add a task to water plants");
        assert!(api.tasks().await.is_empty(), "nothing half-applied");
    }

    let stack = Stack::start_with(
        Backend::Sqlite,
        &[
            ("OPENAI_API_KEY", "k"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        ],
    )
    .await;
    let (status, body) = stack
        .api(&unique_user("nomodel"))
        .try_chat("hi", None)
        .await;
    assert_eq!(status, 503, "an unreachable model: {body}");
}

#[tokio::test]
async fn an_unreachable_task_service_is_503_and_not_ready() {
    let db = todo_testkit::Database::new(Backend::Sqlite);
    let chat = start_chat(
        &db.url,
        "http://127.0.0.1:9/mcp",
        &[("OPENAI_MODEL", "local")],
    )
    .await;
    let api = Api::new(&chat, &unique_user("nomcp"));
    let (status, body) = api.try_chat("add a task to call mom", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["conversation_id"].is_i64());
    assert_eq!(
        reqwest::get(chat.url("/readyz")).await.unwrap().status(),
        503
    );
    assert_eq!(
        reqwest::get(chat.url("/healthz")).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn chat_requests_are_validated() {
    let stack = Stack::start(Backend::Sqlite).await;
    let api = stack.api(&unique_user("validate"));
    for (body, expected) in [
        (json!({ "message": "   " }), 422),
        (json!({ "message": "x".repeat(4001) }), 422),
        (json!({}), 422),
        (json!({ "message": 5 }), 422),
        (
            json!({ "message": "hi", "conversation_id": 987_654_321 }),
            404,
        ),
    ] {
        let (status, reply) = api.send(Method::POST, "/chat", Some(body.clone())).await;
        assert_eq!(status, expected, "{body}: {reply}");
        assert!(
            reply["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "a clear detail: {reply}"
        );
    }
    let raw = api
        .http
        .post(api.url("/chat"))
        .bearer_auth(&api.token)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 422);
    let huge = reqwest::Client::new()
        .post(api.url("/chat"))
        .bearer_auth(&api.token)
        .body(json!({ "message": "y".repeat(100_000) }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    assert!(
        api.send(Method::GET, "/conversations", None)
            .await
            .1
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn metrics_count_turns_and_tool_calls() {
    let stack = Stack::start(Backend::Sqlite).await;
    let api = stack.api(&unique_user("metrics"));
    api.chat("add a task to buy bread", None).await;
    api.chat("hello", None).await;
    let text = reqwest::get(stack.chat.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"todo_chat_turns_total{outcome="ok"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"todo_chat_tool_calls_total{tool="add_task"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("todo_chat_turn_duration_seconds_count 2"),
        "{text}"
    );
}

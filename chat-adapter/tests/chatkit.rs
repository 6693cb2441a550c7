//! ChatKit's server protocol at `POST /chatkit`: threads are conversations and items their
//! messages, both ways; every request type ChatKit sends, paged lists, retry and feedback;
//! another user's thread answers like a missing one; and the same turns through the chat
//! endpoint and through ChatKit leave the same tasks and the same history.
//! (`scripts/chatkit-conformance.sh` checks the same answers against ChatKit's own SDK types.)

mod support;

use serde_json::{Value, json};
use support::{Api, BACKENDS, Backend, Stack, unique_user};

struct ChatKit {
    api: Api,
}

impl ChatKit {
    fn new(stack: &Stack, user: &str) -> Self {
        Self {
            api: stack.api(user),
        }
    }

    async fn post(&self, body: &Value) -> reqwest::Response {
        self.api
            .http
            .post(format!("{}/chatkit", self.api.base))
            .bearer_auth(&self.api.token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    async fn send(&self, body: Value) -> (u16, Value) {
        let response = self.post(&body).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A streaming request's events (each `data:` frame).
    async fn stream(&self, body: Value) -> Vec<Value> {
        let response = self.post(&body).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let text = response.text().await.unwrap_or_default();
        text.split("\n\n")
            .filter_map(|frame| frame.strip_prefix("data: "))
            .map(|data| serde_json::from_str(data).expect("JSON event"))
            .collect()
    }

    async fn ok(&self, body: Value) -> Value {
        let (status, answer) = self.send(body.clone()).await;
        assert_eq!(status, 200, "{body}: {answer}");
        answer
    }

    /// Every item of a thread, following the pages.
    async fn all_items(&self, thread: &str, order: &str, limit: i64) -> Vec<Value> {
        let mut items = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = self
                .ok(json!({"type": "items.list", "params": {"thread_id": thread, "order": order, "limit": limit, "after": after}}))
                .await;
            items.extend(page["data"].as_array().cloned().unwrap_or_default());
            if page["has_more"] != true {
                return items;
            }
            after = page["after"].clone();
        }
    }
}

fn message(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["type"].as_str()).collect()
}

/// The text of an assistant message item.
fn reply(events: &[Value]) -> String {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .map(|e| {
            e["item"]["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn threads_are_conversations_with_every_chatkit_request() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let user = unique_user("kit");
        let kit = ChatKit::new(&stack, &user);

        // A new thread whose first message adds a task.
        let events = kit
            .stream(json!({"type": "threads.create", "params": {"input": message("add a task to buy milk")}}))
            .await;
        let kinds = types(&events);
        assert_eq!(
            kinds[..3],
            ["thread.created", "thread.item.done", "stream_options"],
            "{events:?}"
        );
        assert!(kinds.contains(&"progress_update"), "{kinds:?}");
        assert!(kinds.contains(&"thread.item.added"), "{kinds:?}");
        assert!(kinds.contains(&"thread.item.updated"), "{kinds:?}");
        let thread = events[0]["thread"]["id"].as_str().unwrap().to_owned();
        assert_eq!(events[0]["thread"]["title"], "add a task to buy milk");
        assert_eq!(events[1]["item"]["type"], "user_message");
        let tool = events
            .iter()
            .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "task")
            .expect("the tool call as an item");
        assert_eq!(tool["item"]["task"]["title"], "Added a task");
        assert!(reply(&events).contains("uy milk"), "{events:?}");
        let titles: Vec<Value> = kit
            .api
            .tasks()
            .await
            .iter()
            .map(|t| t["title"].clone())
            .collect();
        assert_eq!(titles.len(), 1);

        // The thread is a conversation of the chat endpoint, and a chat turn shows in ChatKit.
        let conversation: i64 = thread.strip_prefix("thr_").unwrap().parse().unwrap();
        kit.api
            .chat("add call mom to my list", Some(conversation))
            .await;
        let events = kit
            .stream(json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": message("what's pending?")}}))
            .await;
        assert!(reply(&events).contains("call mom"), "{events:?}");
        assert_eq!(kit.api.messages(conversation).await.len(), 6);

        // Items, whole and paged both ways: user message, tool item, reply, per turn.
        let items = kit.all_items(&thread, "asc", 100).await;
        let kinds: Vec<&str> = items.iter().map(|i| i["type"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "user_message",
                "task",
                "assistant_message",
                "user_message",
                "task",
                "assistant_message",
                "user_message",
                "task",
                "assistant_message"
            ]
        );
        let ids: Vec<&Value> = items.iter().map(|i| &i["id"]).collect();
        let paged = kit.all_items(&thread, "asc", 2).await;
        assert_eq!(paged.iter().map(|i| &i["id"]).collect::<Vec<_>>(), ids);
        let mut backwards: Vec<Value> = kit.all_items(&thread, "desc", 4).await;
        backwards.reverse();
        assert_eq!(backwards.iter().map(|i| &i["id"]).collect::<Vec<_>>(), ids);
        let whole = kit
            .ok(json!({"type": "threads.get_by_id", "params": {"thread_id": thread}}))
            .await;
        assert_eq!(whole["id"], thread.as_str());
        assert_eq!(whole["status"]["type"], "active");
        assert_eq!(whole["items"]["data"].as_array().unwrap().len(), 9);

        // Threads list by start, newest first, in pages.
        kit.api.chat("add water the plants to my list", None).await;
        kit.api.chat("what's pending?", None).await;
        let first = kit
            .ok(json!({"type": "threads.list", "params": {"limit": 2}}))
            .await;
        assert_eq!(first["has_more"], true);
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        let next = kit
            .ok(json!({"type": "threads.list", "params": {"limit": 2, "after": first["after"]}}))
            .await;
        assert_eq!(next["has_more"], false);
        assert_eq!(next["data"][0]["id"], thread.as_str());

        // Rename, feedback, retry after an item.
        let renamed = kit
            .ok(json!({"type": "threads.update", "params": {"thread_id": thread, "title": "Errands"}}))
            .await;
        assert_eq!(renamed["title"], "Errands");
        let answer = items[2]["id"].clone();
        let empty = kit
            .ok(json!({"type": "items.feedback", "params": {"thread_id": thread, "item_ids": [answer], "kind": "positive"}}))
            .await;
        assert_eq!(empty, json!({}));
        let events = kit
            .stream(json!({"type": "threads.retry_after_item", "params": {"thread_id": thread, "item_id": items[6]["id"]}}))
            .await;
        assert_eq!(types(&events)[0], "stream_options");
        assert!(reply(&events).contains("call mom"), "{events:?}");
        let after_retry = kit.all_items(&thread, "asc", 100).await;
        assert_eq!(after_retry.len(), 9);
        assert_eq!(after_retry[..7], items[..7]);
        assert_ne!(after_retry[8]["id"], items[8]["id"], "a new answer");
        let (status, _) = kit
            .send(json!({"type": "threads.retry_after_item", "params": {"thread_id": thread, "item_id": items[2]["id"]}}))
            .await;
        assert_eq!(status, 404, "retry after an assistant message");

        // Delete.
        kit.ok(json!({"type": "threads.delete", "params": {"thread_id": thread}}))
            .await;
        let (status, _) = kit
            .send(json!({"type": "threads.get_by_id", "params": {"thread_id": thread}}))
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn another_users_thread_answers_like_a_missing_one() {
    let stack = Stack::start(Backend::Sqlite).await;
    let owner = ChatKit::new(&stack, &unique_user("kit"));
    let events = owner
        .stream(json!({"type": "threads.create", "params": {"input": message("add a task to buy milk")}}))
        .await;
    let thread = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    let items = owner.all_items(&thread, "asc", 100).await;
    let item = items[0]["id"].clone();
    let other = ChatKit::new(&stack, &unique_user("kit"));
    let requests = |thread: &str| {
        vec![
            json!({"type": "threads.get_by_id", "params": {"thread_id": thread}}),
            json!({"type": "items.list", "params": {"thread_id": thread}}),
            json!({"type": "threads.update", "params": {"thread_id": thread, "title": "Mine"}}),
            json!({"type": "threads.delete", "params": {"thread_id": thread}}),
            json!({"type": "items.feedback", "params": {"thread_id": thread, "item_ids": [item], "kind": "negative"}}),
            json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": message("delete all my tasks")}}),
            json!({"type": "threads.retry_after_item", "params": {"thread_id": thread, "item_id": item}}),
        ]
    };
    for (theirs, missing) in requests(&thread).into_iter().zip(requests("thr_999999999")) {
        let a = other.send(theirs.clone()).await;
        let b = other.send(missing).await;
        assert_eq!(a.0, 404, "{theirs}: {a:?}");
        assert_eq!(a, b, "{theirs}");
    }
    // The owner's thread is untouched, and the owner's tasks too.
    assert_eq!(owner.all_items(&thread, "asc", 100).await, items);
    assert_eq!(owner.api.tasks().await.len(), 1);
    let listed = other
        .ok(json!({"type": "threads.list", "params": {}}))
        .await;
    assert_eq!(listed["data"], json!([]));
}

#[tokio::test]
async fn requests_outside_the_protocol_get_a_clear_error() {
    let stack = Stack::start(Backend::Sqlite).await;
    let kit = ChatKit::new(&stack, &unique_user("kit"));
    for (body, status, words) in [
        (
            json!({"type": "attachments.create", "params": {"name": "a.png", "size": 3, "mime_type": "image/png"}}),
            400,
            "no attachments",
        ),
        (
            json!({"type": "input.transcribe", "params": {"audio_base64": "", "mime_type": "audio/webm"}}),
            400,
            "not supported",
        ),
        (
            json!({"type": "threads.explode", "params": {}}),
            400,
            "not a ChatKit request",
        ),
        (json!({"params": {}}), 400, "needs a \"type\""),
        (
            json!({"type": "threads.get_by_id", "params": {}}),
            400,
            "thread_id",
        ),
        (
            json!({"type": "threads.list", "params": {"limit": 0}}),
            400,
            "limit",
        ),
        (
            json!({"type": "threads.create", "params": {"input": message("   ")}}),
            400,
            "must not be empty",
        ),
        (
            json!({"type": "threads.create", "params": {"input": {"content": [{"type": "input_text", "text": "hi"}], "attachments": ["att_1"], "inference_options": {}}}}),
            400,
            "no attachments",
        ),
    ] {
        let (got, answer) = kit.send(body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(
            answer["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(words),
            "{body}: {answer}"
        );
    }
    // Nothing was created by the refused requests.
    let listed = kit.ok(json!({"type": "threads.list", "params": {}})).await;
    assert_eq!(listed["data"], json!([]));
    // No token, no ChatKit.
    let response = kit
        .api
        .http
        .post(format!("{}/chatkit", kit.api.base))
        .json(&json!({"type": "threads.list", "params": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

/// The same turns through `/api/{user_id}/chat` and through `/chatkit` leave the same task
/// list and the same conversation history.
#[tokio::test]
async fn the_chat_endpoint_and_chatkit_agree() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let turns = [
            "add a task to buy milk",
            "add call mom to my list",
            "remind me to water the plants",
            "I called mom",
            "what's pending?",
            "delete the milk task",
            "yes",
            "rename the plants task to water the garden",
            "show all my tasks",
        ];
        let chat = stack.api(&unique_user("kit"));
        let mut conversation = None;
        for turn in turns {
            let answer = chat.chat(turn, conversation).await;
            conversation = answer["conversation_id"].as_i64();
        }
        let kit = ChatKit::new(&stack, &unique_user("kit"));
        let mut thread: Option<String> = None;
        for turn in turns {
            let events = match &thread {
                None => {
                    kit.stream(json!({"type": "threads.create", "params": {"input": message(turn)}}))
                        .await
                }
                Some(id) => {
                    kit.stream(json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": message(turn)}}))
                        .await
                }
            };
            assert!(!types(&events).contains(&"error"), "{turn}: {events:?}");
            thread = thread.or_else(|| events[0]["thread"]["id"].as_str().map(str::to_owned));
        }
        let task_state = |tasks: Vec<Value>| -> Vec<Value> {
            tasks
                .iter()
                .map(|t| json!([t["id"], t["title"], t["description"], t["completed"]]))
                .collect()
        };
        let chat_tasks = task_state(chat.tasks().await);
        assert_eq!(chat_tasks.len(), 2, "{chat_tasks:?}");
        assert_eq!(chat_tasks, task_state(kit.api.tasks().await));

        let history = |messages: Vec<Value>| -> Vec<Value> {
            messages
                .iter()
                .map(|m| {
                    // The calls as they ran, without what differs by user and time.
                    let calls: Vec<Value> = m["tool_calls"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| {
                            let mut arguments = c["arguments"].clone();
                            arguments.as_object_mut().map(|a| a.remove("user_id"));
                            json!([c["name"], arguments, c["result"]["task_id"]])
                        })
                        .collect();
                    json!([m["role"], m["content"], calls])
                })
                .collect()
        };
        let kit_conversation: i64 = thread
            .as_deref()
            .and_then(|t| t.strip_prefix("thr_"))
            .and_then(|n| n.parse().ok())
            .expect("thread id");
        let chat_history = history(chat.messages(conversation.unwrap()).await);
        assert_eq!(chat_history.len(), 2 * turns.len());
        assert_eq!(
            chat_history,
            history(kit.api.messages(kit_conversation).await)
        );
    }
}

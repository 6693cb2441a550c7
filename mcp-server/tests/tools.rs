//! The five tools over the real binary, on SQLite and PostgreSQL, over stdio and HTTP.

mod support;

use serde_json::{Value, json};
use support::{Harness, Transport, setups, stdio_client, token_for, unique_user};

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn list_tools_is_exactly_the_contract() {
    let expected: [(&str, &[&str], &[&str]); 5] = [
        (
            "add_task",
            &["description", "title", "user_id"],
            &["title", "user_id"],
        ),
        (
            "complete_task",
            &["task_id", "user_id"],
            &["task_id", "user_id"],
        ),
        (
            "delete_task",
            &["task_id", "user_id"],
            &["task_id", "user_id"],
        ),
        ("list_tasks", &["status", "user_id"], &["user_id"]),
        (
            "update_task",
            &["completed", "description", "task_id", "title", "user_id"],
            &["task_id", "user_id"],
        ),
    ];
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let mut tools = h.client.list_all_tools().await.expect("list_tools");
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(tools.len(), 5, "[{}] exactly five tools", h.label);
        for (tool, (name, properties, required)) in tools.iter().zip(expected) {
            assert_eq!(tool.name, name, "[{}]", h.label);
            assert!(
                tool.description.as_deref().is_some_and(|d| d.len() > 20),
                "{name} is described"
            );
            let schema = Value::Object((*tool.input_schema).clone());
            assert_eq!(
                keys(&schema["properties"]),
                properties,
                "[{}] {name} parameters",
                h.label
            );
            let mut req: Vec<&str> = schema["required"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            req.sort();
            assert_eq!(req, required, "[{}] {name} required", h.label);
            for (param, spec) in schema["properties"].as_object().unwrap() {
                assert!(
                    spec["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{name}.{param} described"
                );
            }
            if schema["properties"].get("task_id").is_some() {
                assert_eq!(
                    schema["properties"]["task_id"]["type"], "integer",
                    "{name}.task_id"
                );
            }
        }
        assert_eq!(
            tools[4].input_schema["properties"]["completed"]["type"], "boolean",
            "[{}] update_task.completed is a plain boolean",
            h.label
        );
        let status = &tools[3].input_schema["properties"]["status"];
        assert_eq!(
            status["enum"],
            json!(["all", "pending", "completed"]),
            "status is an enum"
        );
    }
}

#[tokio::test]
async fn add_task_creates_and_reports_the_task() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let added = h
            .ok(
                "add_task",
                json!({ "title": "  Buy groceries ", "description": "milk, eggs" }),
            )
            .await;
        assert_eq!(added["status"], "created", "[{}]", h.label);
        assert_eq!(
            added["title"], "Buy groceries",
            "[{}] title is trimmed",
            h.label
        );
        let id = added["task_id"].as_i64().expect("integer task_id");
        let tasks = h.list("all").await;
        assert_eq!(tasks.len(), 1);
        let task = &tasks[0];
        assert_eq!(
            keys(task),
            [
                "completed",
                "created_at",
                "description",
                "id",
                "title",
                "updated_at"
            ]
        );
        assert_eq!(task["id"], id);
        assert_eq!(task["description"], "milk, eggs");
        assert_eq!(task["completed"], false);
        let summary = h.call("add_task", json!({ "title": "Call mom" })).await;
        let text = summary
            .content
            .get(1)
            .and_then(|c| c.as_text())
            .map(|t| t.text.clone());
        assert!(
            text.is_some_and(|t| t.starts_with("Added 'Call mom' (task ")),
            "[{}] summary text",
            h.label
        );
        assert!(
            summary.structured_content.is_some(),
            "structured content is present"
        );
    }
}

#[tokio::test]
async fn add_task_validates_and_stores_nothing_invalid() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let cases = [
            (json!({ "title": "" }), "Title must not be empty"),
            (json!({ "title": "   \t" }), "Title must not be empty"),
            (
                json!({ "title": "a".repeat(201) }),
                "Title is longer than 200 characters",
            ),
            (
                json!({ "title": "ok", "description": "d".repeat(1001) }),
                "Description is longer than 1000 characters",
            ),
            (json!({ "title": 5 }), "Invalid arguments"),
            (json!({}), "Invalid arguments: missing field `title`"),
            (
                json!({ "title": "x", "priority": "high" }),
                "Invalid arguments: unknown field `priority`",
            ),
            (json!({ "title": "x", "user_id": 7 }), "Invalid arguments"),
        ];
        for (args, message) in cases {
            let error = h.err("add_task", args.clone()).await;
            assert!(
                error.starts_with(message),
                "[{}] {args}: got {error:?}",
                h.label
            );
        }
        assert!(
            h.list("all").await.is_empty(),
            "[{}] nothing stored",
            h.label
        );
        h.add(&"b".repeat(200)).await;
        h.ok(
            "add_task",
            json!({ "title": "long", "description": "é".repeat(1000) }),
        )
        .await;
        assert_eq!(
            h.list("all").await.len(),
            2,
            "[{}] limits are inclusive",
            h.label
        );
    }
}

#[tokio::test]
async fn list_tasks_filters_by_status_in_creation_order() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let ids = [
            h.add("first").await,
            h.add("second").await,
            h.add("third").await,
        ];
        h.ok("complete_task", json!({ "task_id": ids[1] })).await;
        assert_eq!(
            h.titles("all").await,
            ["first", "second", "third"],
            "[{}]",
            h.label
        );
        assert_eq!(
            h.ok("list_tasks", json!({})).await.as_array().map(Vec::len),
            Some(3),
            "default is all"
        );
        assert_eq!(
            h.titles("pending").await,
            ["first", "third"],
            "[{}]",
            h.label
        );
        assert_eq!(h.titles("completed").await, ["second"], "[{}]", h.label);
        let error = h.err("list_tasks", json!({ "status": "done" })).await;
        assert!(
            error.contains("unknown variant `done`"),
            "[{}] {error}",
            h.label
        );
    }
}

#[tokio::test]
async fn complete_task_marks_done_idempotently() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let id = h.add("Pay bills").await;
        let done = h.ok("complete_task", json!({ "task_id": id })).await;
        assert_eq!(done["task_id"], id);
        assert_eq!(done["status"], "completed");
        assert_eq!(done["title"], "Pay bills");
        let again = h.ok("complete_task", json!({ "task_id": id })).await;
        assert_eq!(
            again["status"], "completed",
            "[{}] completing twice is harmless",
            h.label
        );
        assert_eq!(
            again["task"]["updated_at"], done["task"]["updated_at"],
            "no change the second time"
        );
        assert_eq!(h.list("completed").await.len(), 1);
        assert_eq!(
            h.err("complete_task", json!({ "task_id": id + 999_999 }))
                .await,
            format!("Task {} not found", id + 999_999)
        );
        assert!(
            h.err("complete_task", json!({ "task_id": "abc" }))
                .await
                .starts_with("Invalid arguments")
        );
        assert!(
            h.err("complete_task", json!({}))
                .await
                .contains("missing field `task_id`")
        );
    }
}

#[tokio::test]
async fn delete_task_removes_it_once() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let keep = h.add("keep me").await;
        let id = h.add("Old meeting").await;
        let deleted = h.ok("delete_task", json!({ "task_id": id })).await;
        assert_eq!(
            (deleted["task_id"].as_i64(), deleted["status"].as_str()),
            (Some(id), Some("deleted"))
        );
        assert_eq!(deleted["title"], "Old meeting");
        assert_eq!(
            h.err("delete_task", json!({ "task_id": id })).await,
            format!("Task {id} not found")
        );
        let remaining = h.list("all").await;
        assert_eq!(remaining.len(), 1, "[{}]", h.label);
        assert_eq!(remaining[0]["id"], keep);
        assert!(
            h.err("delete_task", json!({ "task_id": 1.5 }))
                .await
                .starts_with("Invalid arguments")
        );
    }
}

#[tokio::test]
async fn update_task_changes_title_and_description() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let id = h.add("Call mom").await;
        let updated = h
            .ok(
                "update_task",
                json!({ "task_id": id, "title": " Call mom tonight " }),
            )
            .await;
        assert_eq!(updated["status"], "updated");
        assert_eq!(updated["title"], "Call mom tonight");
        h.ok(
            "update_task",
            json!({ "task_id": id, "description": "about the trip" }),
        )
        .await;
        let task = &h.list("all").await[0];
        assert_eq!(
            (task["title"].as_str(), task["description"].as_str()),
            (Some("Call mom tonight"), Some("about the trip"))
        );
        h.ok("update_task", json!({ "task_id": id, "description": "" }))
            .await;
        assert_eq!(
            h.list("all").await[0]["description"],
            Value::Null,
            "[{}] empty clears",
            h.label
        );
        let errors = [
            (json!({ "task_id": id }), "Nothing to update".to_owned()),
            (
                json!({ "task_id": id, "title": " " }),
                "Title must not be empty".to_owned(),
            ),
            (
                json!({ "task_id": id, "title": "t".repeat(201) }),
                "Title is longer than 200 characters".to_owned(),
            ),
            (
                json!({ "task_id": id, "description": "d".repeat(1001) }),
                "Description is longer than 1000 characters".to_owned(),
            ),
            (
                json!({ "task_id": id + 999_999, "title": "x" }),
                format!("Task {} not found", id + 999_999),
            ),
            (
                json!({ "task_id": "one", "title": "x" }),
                "Invalid arguments".to_owned(),
            ),
        ];
        for (args, message) in errors {
            let error = h.err("update_task", args.clone()).await;
            assert!(error.starts_with(&message), "[{}] {args}: {error}", h.label);
        }
        assert_eq!(
            h.list("all").await[0]["title"],
            "Call mom tonight",
            "failed updates change nothing"
        );
    }
}

/// `updated_at` of a task as a tool returned it, as an instant.
fn updated_at(task: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(task["updated_at"].as_str().expect("updated_at"))
        .expect("RFC 3339 updated_at")
}

#[tokio::test]
async fn update_task_reopens_and_completes_through_completed() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let id = h.add("Pay bills").await;
        h.add("Walk the dog").await;
        let done = h.ok("complete_task", json!({ "task_id": id })).await;
        assert_eq!(done["task"]["completed"], true);

        // completed alone is a whole update: false reopens the completed task.
        let reopened = h
            .ok("update_task", json!({ "task_id": id, "completed": false }))
            .await;
        assert_eq!(
            keys(&reopened),
            ["status", "task", "task_id", "title"],
            "[{}] result shape",
            h.label
        );
        assert_eq!(
            (
                reopened["task_id"].as_i64(),
                reopened["status"].as_str(),
                reopened["title"].as_str()
            ),
            (Some(id), Some("updated"), Some("Pay bills")),
            "[{}]",
            h.label
        );
        assert_eq!(
            reopened["task"]["completed"], false,
            "[{}] reopened",
            h.label
        );
        assert!(
            updated_at(&reopened["task"]) >= updated_at(&done["task"]),
            "[{}] updated_at is set",
            h.label
        );
        assert_eq!(
            h.titles("pending").await,
            ["Pay bills", "Walk the dog"],
            "[{}] the reopened task is pending again",
            h.label
        );
        assert!(h.list("completed").await.is_empty(), "[{}]", h.label);

        // true completes it through update_task; the other task is untouched.
        let completed = h
            .ok("update_task", json!({ "task_id": id, "completed": true }))
            .await;
        assert_eq!(
            (
                completed["status"].as_str(),
                completed["task"]["completed"].as_bool()
            ),
            (Some("updated"), Some(true)),
            "[{}]",
            h.label
        );
        assert_eq!(h.titles("completed").await, ["Pay bills"], "[{}]", h.label);
        assert_eq!(h.titles("pending").await, ["Walk the dog"], "[{}]", h.label);

        // Without completed the state is kept; with title and completed both change.
        let renamed = h
            .ok(
                "update_task",
                json!({ "task_id": id, "title": "Pay all bills" }),
            )
            .await;
        assert_eq!(renamed["task"]["completed"], true, "[{}] kept", h.label);
        let both = h
            .ok(
                "update_task",
                json!({ "task_id": id, "title": "Pay bills today", "completed": false }),
            )
            .await;
        assert_eq!(
            (both["title"].as_str(), both["task"]["completed"].as_bool()),
            (Some("Pay bills today"), Some(false)),
            "[{}]",
            h.label
        );

        // Values that are not booleans are tool errors naming the problem; nothing changes.
        h.ok("update_task", json!({ "task_id": id, "completed": true }))
            .await;
        let not_a_boolean = [json!("false"), json!(0), json!("yes")];
        for value in not_a_boolean {
            let args = json!({ "task_id": id, "title": "x", "completed": value });
            let error = h.err("update_task", args.clone()).await;
            assert!(
                error.starts_with("Invalid arguments: invalid type")
                    && error.ends_with("expected a boolean"),
                "[{}] {args}: {error}",
                h.label
            );
        }
        let error = h
            .err("update_task", json!({ "task_id": id, "completed": null }))
            .await;
        assert!(
            error.starts_with("Nothing to update"),
            "[{}] null is no change: {error}",
            h.label
        );
        let task = &h.list("all").await[0];
        assert_eq!(
            (task["title"].as_str(), task["completed"].as_bool()),
            (Some("Pay bills today"), Some(true)),
            "[{}] failed updates change nothing",
            h.label
        );

        // Another user's task answers exactly like a missing one, and stays as it was.
        let other = unique_user("other");
        let stranger = match transport {
            Transport::Stdio => stdio_client(&h.db.url, &["--user-id", &other])
                .await
                .expect("second stdio client"),
            Transport::Http => {
                let server = h.server.as_ref().expect("HTTP server");
                server.client(&token_for(&other)).await
            }
        };
        let as_other = |tool: &'static str, args: Value| {
            let mut args = args;
            args["user_id"] = json!(other);
            support::call(&stranger, tool, args)
        };
        let foreign =
            support::result_json(&as_other("add_task", json!({ "title": "their task" })).await)
                .unwrap()["task_id"]
                .as_i64()
                .unwrap();
        as_other("complete_task", json!({ "task_id": foreign })).await;
        let missing = foreign + 1_000_000;
        for task_id in [foreign, missing] {
            let result = h
                .call(
                    "update_task",
                    json!({ "task_id": task_id, "completed": false }),
                )
                .await;
            assert_eq!(
                (
                    support::error_text(&result),
                    result.structured_content.map(|s| s["code"].clone())
                ),
                (
                    Some(format!("Task {task_id} not found")),
                    Some(json!("not_found"))
                ),
                "[{}] task {task_id} (foreign {foreign})",
                h.label
            );
        }
        let theirs = support::result_json(&as_other("list_tasks", json!({})).await).unwrap();
        assert_eq!(
            (theirs[0]["id"].as_i64(), theirs[0]["completed"].as_bool()),
            (Some(foreign), Some(true)),
            "[{}] the other user's task is still completed",
            h.label
        );
    }
}

//! The five tools over the real binary, on SQLite and PostgreSQL, over stdio and HTTP.

mod support;

use std::{collections::BTreeMap, path::Path, process::Command};

use rmcp::model::{CallToolResult, Tool};
use serde_json::{Value, json};
use support::{Backend, Harness, Transport, setups, stdio_client, token_for, unique_user};

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn list_tools_is_exactly_the_contract() {
    let expected: [(&str, &[&str], &[&str]); 5] = [
        ("add_task", &["description", "title", "user_id"], &["title"]),
        ("complete_task", &["task_id", "user_id"], &["task_id"]),
        ("delete_task", &["task_id", "user_id"], &["task_id"]),
        ("list_tasks", &["limit", "offset", "status", "user_id"], &[]),
        (
            "update_task",
            &["completed", "description", "task_id", "title", "user_id"],
            &["task_id"],
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
                .into_iter()
                .flatten()
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
                let task_id = &schema["properties"]["task_id"];
                assert_eq!(
                    (&task_id["type"], &task_id["minimum"], task_id.get("format")),
                    (&json!("integer"), &json!(1), None),
                    "{name}.task_id is a plain integer from 1"
                );
            }
            assert_eq!(
                schema["properties"]["user_id"]["type"], "string",
                "[{}] {name}.user_id is an optional plain string",
                h.label
            );
            let title = tool.title.as_deref().expect("every tool has a title");
            let annotations = tool.annotations.as_ref().expect("annotations");
            assert_eq!(annotations.title.as_deref(), Some(title), "{name}");
            assert!(
                [
                    annotations.read_only_hint,
                    annotations.destructive_hint,
                    annotations.idempotent_hint,
                    annotations.open_world_hint
                ]
                .iter()
                .all(Option::is_some),
                "{name}: all four hints are set"
            );
            assert_eq!(annotations.open_world_hint, Some(false), "{name}");
            let output = tool.output_schema.as_ref().expect("an outputSchema");
            assert_eq!(output["type"], "object", "{name}");
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
        let result = h.call("add_task", json!({ "title": "Call mom" })).await;
        assert_eq!(result.content.len(), 1, "[{}] one text block", h.label);
        assert_eq!(
            result.structured_content,
            Some(support::result_json(&result).unwrap()),
            "[{}] structured content is the text's JSON",
            h.label
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
            h.ok("list_tasks", json!({})).await["tasks"]
                .as_array()
                .map(Vec::len),
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

        // Another user's task answers exactly like a missing one, and stays as it was. Numbers
        // are per user, so the stranger's task is one whose number this user does not have.
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
        let mut foreign = 0;
        for title in ["their first", "their second", "their task"] {
            foreign = support::result_json(&as_other("add_task", json!({ "title": title })).await)
                .unwrap()["task_id"]
                .as_i64()
                .unwrap();
        }
        assert!(
            h.list("all").await.iter().all(|t| t["id"] != foreign),
            "[{}] task {foreign} is only the stranger's",
            h.label
        );
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
        let theirs = theirs["tasks"].as_array().unwrap();
        assert_eq!(
            (theirs[2]["id"].as_i64(), theirs[2]["completed"].as_bool()),
            (Some(foreign), Some(true)),
            "[{}] the other user's task is still completed",
            h.label
        );

        // A number both users have: the stranger acting on it reaches only their own task.
        let renamed = support::result_json(
            &as_other(
                "update_task",
                json!({ "task_id": id, "title": "theirs renamed", "completed": true }),
            )
            .await,
        )
        .unwrap();
        assert_eq!(renamed["task_id"], id, "[{}]", h.label);
        let mine = &h.list("all").await[0];
        assert_eq!(
            (
                mine["id"].as_i64(),
                mine["title"].as_str(),
                mine["completed"].as_bool()
            ),
            (Some(id), Some("Pay bills today"), Some(true)),
            "[{}] this user's task {id} is untouched",
            h.label
        );
    }
}

/// The tools as `tools/list` returns them, as JSON, by name.
async fn listed_tools(h: &Harness) -> BTreeMap<String, Value> {
    let tools: Vec<Tool> = h.client.list_all_tools().await.expect("list_tools");
    tools
        .into_iter()
        .map(|tool| (tool.name.to_string(), serde_json::to_value(&tool).unwrap()))
        .collect()
}

/// Every tool definition is a reviewed file in `tests/snapshots/<tool>.json`: a changed
/// description, schema or annotation fails here until the snapshot is updated with
/// `UPDATE_SNAPSHOTS=1 cargo test -p todo-mcp --test tools tool_definitions`.
#[tokio::test]
async fn tool_definitions_match_the_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    for transport in [Transport::Stdio, Transport::Http] {
        let h = Harness::connect(Backend::Sqlite, transport).await;
        let tools = listed_tools(&h).await;
        if update && transport == Transport::Stdio {
            std::fs::create_dir_all(&dir).unwrap();
            for (name, tool) in &tools {
                let text = serde_json::to_string_pretty(tool).unwrap() + "\n";
                std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
            }
        }
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("tests/snapshots (UPDATE_SNAPSHOTS=1 creates it)")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        on_disk.sort();
        let expected: Vec<String> = tools.keys().map(|n| format!("{n}.json")).collect();
        assert_eq!(
            on_disk, expected,
            "[{}] one snapshot per tool, no stale ones",
            h.label
        );
        for (name, tool) in &tools {
            let path = dir.join(format!("{name}.json"));
            let snapshot: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert!(
                *tool == snapshot,
                "[{}] {name} differs from {}; review the change and run with \
                 UPDATE_SNAPSHOTS=1 to accept it.\nnow:\n{}",
                h.label,
                path.display(),
                serde_json::to_string_pretty(tool).unwrap()
            );
        }
    }
}

/// Calls `tool` without adding a `user_id` and records it for the Ajv check.
async fn record(h: &Harness, calls: &mut Vec<Value>, tool: &str, args: Value) -> CallToolResult {
    let result = support::call(&h.client, tool, args.clone()).await;
    calls.push(json!({ "tool": tool, "arguments": args, "result": result }));
    result
}

/// Results of every tool, successes and each kind of failure, on both transports.
async fn sample_calls(h: &Harness) -> Vec<Value> {
    let mut calls = Vec::new();
    let c = &mut calls;
    record(h, c, "list_tasks", json!({})).await;
    let added = record(h, c, "add_task", json!({ "title": "Buy milk" })).await;
    let id = support::result_json(&added).unwrap()["task_id"].clone();
    let args = json!({ "user_id": h.user, "title": "Call mom", "description": "tonight" });
    record(h, c, "add_task", args).await;
    record(h, c, "complete_task", json!({ "task_id": id })).await;
    for status in ["all", "pending", "completed"] {
        record(h, c, "list_tasks", json!({ "status": status })).await;
    }
    let args = json!({ "task_id": id, "title": "Buy oat milk", "completed": false });
    record(h, c, "update_task", args).await;
    record(
        h,
        c,
        "update_task",
        json!({ "task_id": id, "description": "" }),
    )
    .await;
    record(h, c, "delete_task", json!({ "task_id": id })).await;
    // Failures: not found, validation, bad arguments, another user.
    record(h, c, "delete_task", json!({ "task_id": id })).await;
    record(h, c, "add_task", json!({ "title": " " })).await;
    record(h, c, "update_task", json!({ "task_id": 1 })).await;
    record(h, c, "complete_task", json!({ "task_id": "one" })).await;
    record(h, c, "list_tasks", json!({ "user_id": "someone-else" })).await;
    calls
}

/// What a strict JSON Schema client does with our tools: `tests/ajv/check.mjs` compiles every
/// inputSchema and outputSchema with Ajv in strict mode (draft 2020-12) and validates every
/// result against its tool's outputSchema. Needs `node`; installs the pinned Ajv once.
#[tokio::test]
async fn schemas_and_results_pass_ajv_in_strict_mode() {
    let ajv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ajv");
    if !ajv.join("node_modules/ajv").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&ajv)
            .status()
            .expect("npm (Node.js) is needed for the Ajv check");
        assert!(status.success(), "npm ci in {}", ajv.display());
    }
    let out = tempfile::tempdir().unwrap();
    let mut tools = None;
    let mut calls = Vec::new();
    for transport in [Transport::Stdio, Transport::Http] {
        let h = Harness::connect(Backend::Sqlite, transport).await;
        let listed: Vec<Value> = listed_tools(&h).await.into_values().collect();
        tools.get_or_insert(listed);
        calls.extend(sample_calls(&h).await);
    }
    std::fs::write(
        out.path().join("tools.json"),
        serde_json::to_string(&tools).unwrap(),
    )
    .unwrap();
    std::fs::write(
        out.path().join("calls.json"),
        serde_json::to_string(&calls).unwrap(),
    )
    .unwrap();
    let run = Command::new("node")
        .arg(ajv.join("check.mjs"))
        .arg(out.path())
        .output()
        .expect("node is needed for the Ajv check");
    assert!(
        run.status.success(),
        "Ajv strict check failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[tokio::test]
async fn results_are_typed_and_their_text_is_the_structured_content() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let id = h.add("Water plants").await;
        let list = h.call("list_tasks", json!({})).await;
        let value = support::result_json(&list).unwrap();
        assert_eq!(keys(&value), ["tasks", "total"], "[{}] list_tasks", h.label);
        for (tool, args, status) in [
            (
                "update_task",
                json!({ "task_id": id, "title": "Water the plants" }),
                "updated",
            ),
            ("complete_task", json!({ "task_id": id }), "completed"),
            ("delete_task", json!({ "task_id": id }), "deleted"),
        ] {
            let result = h.call(tool, args).await;
            let value = support::result_json(&result).unwrap();
            assert_eq!(
                (keys(&value), value["status"].as_str()),
                (
                    vec!["status", "task", "task_id", "title"]
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    Some(status)
                ),
                "[{}] {tool}",
                h.label
            );
            assert_eq!(value["task"]["id"], value["task_id"]);
        }
        for result in [list, h.call("delete_task", json!({ "task_id": id })).await] {
            assert_eq!(result.content.len(), 1, "[{}] one text block", h.label);
            let text: Value = match result.is_error {
                Some(true) => json!({
                    "error": support::first_text(&result),
                    "code": "not_found",
                }),
                _ => support::result_json(&result).unwrap(),
            };
            assert_eq!(
                result.structured_content,
                Some(text),
                "[{}] structuredContent",
                h.label
            );
        }
    }
}

#[tokio::test]
async fn user_id_is_optional_and_only_ever_the_signed_in_user() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let without = |tool: &'static str, args: Value| support::call(&h.client, tool, args);
        let added =
            support::result_json(&without("add_task", json!({ "title": "No user_id" })).await)
                .unwrap();
        let id = added["task_id"].clone();
        for (tool, args) in [
            ("list_tasks", json!({})),
            (
                "update_task",
                json!({ "task_id": id, "title": "Still mine" }),
            ),
            ("complete_task", json!({ "task_id": id })),
            ("list_tasks", json!({ "user_id": h.user })),
            ("delete_task", json!({ "task_id": id, "user_id": h.user })),
        ] {
            let result = without(tool, args.clone()).await;
            assert!(
                support::result_json(&result).is_ok(),
                "[{}] {tool} {args}: {result:?}",
                h.label
            );
        }
        let kept = h.add("kept").await;
        for (tool, args) in [
            ("add_task", json!({ "title": "x" })),
            ("list_tasks", json!({})),
            ("complete_task", json!({ "task_id": kept })),
            ("delete_task", json!({ "task_id": kept })),
            ("update_task", json!({ "task_id": kept, "title": "x" })),
        ] {
            let mut args = args;
            args["user_id"] = json!("someone-else");
            let result = without(tool, args).await;
            assert_eq!(
                (
                    support::error_text(&result),
                    result.structured_content.map(|s| s["code"].clone())
                ),
                (
                    Some(format!(
                        "user_id \"someone-else\" is not the signed-in user; leave user_id out, or use {:?}",
                        h.user
                    )),
                    Some(json!("permission_denied"))
                ),
                "[{}] {tool}",
                h.label
            );
        }
        assert_eq!(
            h.titles("all").await,
            ["kept"],
            "[{}] nothing changed",
            h.label
        );
    }
}

#[tokio::test]
async fn list_tasks_pages_with_a_total() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        for n in 1..=5 {
            let id = h.add(&format!("task {n}")).await;
            if n % 2 == 0 {
                h.ok("complete_task", json!({ "task_id": id })).await;
            }
        }
        let numbers = |page: &Value| -> Vec<i64> {
            page["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect()
        };
        let first = h.ok("list_tasks", json!({ "limit": 2 })).await;
        assert_eq!(numbers(&first), [1, 2], "[{}]", h.label);
        assert_eq!(
            (first["total"].as_i64(), first["next_offset"].as_i64()),
            (Some(5), Some(2))
        );
        let last = h.ok("list_tasks", json!({ "limit": 2, "offset": 4 })).await;
        assert_eq!(numbers(&last), [5]);
        assert_eq!(last["total"], 5);
        assert!(last.get("next_offset").is_none(), "the last page: {last}");
        let pending = h
            .ok(
                "list_tasks",
                json!({ "status": "pending", "limit": 1, "offset": 1 }),
            )
            .await;
        assert_eq!(numbers(&pending), [3]);
        assert_eq!(
            (pending["total"].as_i64(), pending["next_offset"].as_i64()),
            (Some(3), Some(2))
        );
        let past = h.ok("list_tasks", json!({ "offset": 50 })).await;
        assert_eq!((numbers(&past).len(), past["total"].as_i64()), (0, Some(5)));
        for limit in [0, 501] {
            let error = h.err("list_tasks", json!({ "limit": limit })).await;
            assert!(error.contains("limit must be from 1 to 500"), "{error}");
        }
    }
}

#[tokio::test]
async fn a_user_at_the_task_quota_gets_a_clear_error() {
    let db = support::Database::new(support::Backend::Sqlite);
    let server =
        support::Server::start_with(&db.url, &[], &[("TODO_MAX_TASKS_PER_USER", "3")]).await;
    let user = support::unique_user("quota");
    let client = server.client(&support::token_for(&user)).await;
    for n in 0..3 {
        let added = support::call(&client, "add_task", json!({ "title": format!("t{n}") })).await;
        support::result_json(&added).expect("under the quota");
    }
    let refused = support::call(&client, "add_task", json!({ "title": "one too many" })).await;
    assert_eq!(refused.is_error, Some(true));
    let failure = refused.structured_content.clone().unwrap();
    assert_eq!(failure["code"], "limit_reached", "{failure}");
    assert!(
        failure["error"]
            .as_str()
            .unwrap()
            .contains("You have 3 tasks"),
        "{failure}"
    );
    // Deleting one makes room again.
    support::result_json(&support::call(&client, "delete_task", json!({ "task_id": 1 })).await)
        .unwrap();
    let added = support::call(&client, "add_task", json!({ "title": "room again" })).await;
    assert_eq!(support::result_json(&added).unwrap()["task_id"], 5);
}

#[tokio::test]
async fn a_call_repeated_with_its_idempotency_key_changes_nothing_twice() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        let once = async |tool: &str, args: Value, key: &str| {
            support::call_once(&h.client, tool, args, json!(key)).await
        };
        let first = once("add_task", json!({ "title": "pay rent" }), "k-add").await;
        let again = once("add_task", json!({ "title": "pay rent" }), "k-add").await;
        assert_eq!(
            support::result_json(&first).unwrap(),
            support::result_json(&again).unwrap(),
            "[{}] the first answer, again",
            h.label
        );
        let id = support::result_json(&first).unwrap()["task_id"].clone();
        for (tool, status) in [("complete_task", "completed"), ("delete_task", "deleted")] {
            let key = format!("k-{tool}");
            for _ in 0..2 {
                let done = once(tool, json!({ "task_id": id }), &key).await;
                let done = support::result_json(&done)
                    .unwrap_or_else(|e| panic!("[{}] {tool} repeated: {e}", h.label));
                assert_eq!(done["status"], status, "[{}]", h.label);
            }
        }
        assert!(
            h.list("all").await.is_empty(),
            "[{}] one task, deleted",
            h.label
        );
        let reused = once(
            "update_task",
            json!({ "task_id": id, "title": "x" }),
            "k-add",
        )
        .await;
        let error = support::error_text(&reused).expect("a key reused for another tool fails");
        assert!(error.contains("already used for add_task"), "{error}");
        let bad = once("add_task", json!({ "title": "y" }), "").await;
        assert!(support::error_text(&bad).is_some_and(|e| e.contains("idempotency-key")));
        // Without a key, the same call is a new change.
        h.ok("add_task", json!({ "title": "pay rent" })).await;
        h.ok("add_task", json!({ "title": "pay rent" })).await;
        assert_eq!(h.list("all").await.len(), 2, "[{}]", h.label);
    }
}

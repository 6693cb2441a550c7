//! The offline model through the whole multi-step protocol, against an in-memory stand-in for
//! the five tools, judged by the rules of `shared/eval/nl-dev-cases.json`: on that file and on
//! `extra-cases.json` (other phrasings of the same kinds of request).

use serde_json::{Value, json};

use super::*;
use crate::eval;

/// An in-memory list with the MCP tools' result shapes.
#[derive(Default)]
struct FakeTools {
    tasks: Vec<Value>,
    next: i64,
}

impl FakeTools {
    fn run(&mut self, name: &str, args: &Value) -> Value {
        let id = args["task_id"].as_i64().unwrap_or(-1);
        let position = self.tasks.iter().position(|t| t["id"] == id);
        let change = |status: &str, task: &Value| json!({ "task_id": task["id"], "status": status, "title": task["title"], "task": task });
        match (name, position) {
            ("add_task", _) => {
                self.next += 1;
                let task = json!({ "id": self.next, "title": args["title"], "description": args.get("description").cloned().unwrap_or(Value::Null), "completed": false });
                self.tasks.push(task.clone());
                change("created", &task)
            }
            ("list_tasks", _) => {
                let status = args["status"].as_str().unwrap_or("all");
                json!(
                    self.tasks
                        .iter()
                        .filter(|t| match status {
                            "pending" => t["completed"] == false,
                            "completed" => t["completed"] == true,
                            _ => true,
                        })
                        .collect::<Vec<_>>()
                )
            }
            (_, None) => json!({ "error": format!("Task {id} not found"), "code": "not_found" }),
            ("complete_task", Some(i)) => {
                self.tasks[i]["completed"] = json!(true);
                change("completed", &self.tasks[i].clone())
            }
            ("delete_task", Some(i)) => {
                let task = self.tasks.remove(i);
                change("deleted", &task)
            }
            (_, Some(i)) => {
                if let Some(t) = args.get("title") {
                    self.tasks[i]["title"] = t.clone();
                }
                if let Some(d) = args.get("description") {
                    self.tasks[i]["description"] = d.clone();
                }
                change("updated", &self.tasks[i].clone())
            }
        }
    }
}

/// One user turn through the agent protocol; returns the reply and the tools called.
fn turn(
    messages: &mut Vec<ChatMessage>,
    tools: &mut FakeTools,
    say: &str,
) -> (String, Vec<String>) {
    messages.push(ChatMessage::User {
        content: say.to_owned(),
    });
    let mut called = Vec::new();
    for _ in 0..8 {
        match step(messages) {
            ModelTurn::Reply(text) => {
                messages.push(ChatMessage::Assistant {
                    content: Some(text.clone()),
                    tool_calls: vec![],
                });
                return (text, called);
            }
            ModelTurn::ToolCalls(calls) => {
                messages.push(ChatMessage::Assistant {
                    content: None,
                    tool_calls: calls.clone(),
                });
                for call in calls {
                    let result = tools.run(&call.name, &call.arguments);
                    messages.push(ChatMessage::Tool {
                        tool_call_id: call.id,
                        content: result.to_string(),
                    });
                    called.push(call.name);
                }
            }
        }
    }
    panic!("no reply to {say:?}");
}

/// Plays one case; `Err` says why it failed.
fn play(case: &Value) -> Result<(), String> {
    let mut tools = FakeTools::default();
    for setup in case["setup"].as_array().into_iter().flatten() {
        let added = tools.run("add_task", &json!({ "title": setup["title"] }));
        if setup["completed"] == true {
            tools.run("complete_task", &json!({ "task_id": added["task_id"] }));
        }
    }
    let ids: Vec<(String, i64)> = tools
        .tasks
        .iter()
        .map(|t| {
            (
                t["title"].as_str().unwrap_or_default().to_owned(),
                t["id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    let mut messages = vec![ChatMessage::System {
        content: "offline".into(),
    }];
    for spec in case["turns"].as_array().into_iter().flatten() {
        let say = eval::substitute(spec["say"].as_str().unwrap_or_default(), &ids);
        let (reply, called) = turn(&mut messages, &mut tools, &say);
        eval::judge_turn(spec, &say, &reply, &called)?;
    }
    eval::judge_final(case, &tools.tasks)
}

fn run_file(path: &str) -> (usize, Vec<String>) {
    let cases = eval::load(path).unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| play(c).err().map(|e| format!("{}: {e}", c["id"])))
        .collect();
    (cases.len(), failures)
}

fn assert_all_pass(file: &str, at_least: usize) {
    let (total, failures) = run_file(&format!("{}/eval/{file}", env!("CARGO_MANIFEST_DIR")));
    assert!(total >= at_least, "{file}: {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_development_cases_all_pass() {
    assert_all_pass("nl-dev-cases.json", 40);
}

#[test]
fn other_phrasings_pass_too() {
    assert_all_pass("extra-cases.json", 60);
}

#[test]
fn odd_input_gets_a_reply_and_no_change() {
    for odd in [
        "",
        " ",
        "🙂🙂",
        "¿qué?",
        "delete",
        "mark as done",
        "rename to",
        &"add ".repeat(2000),
        "task 99999999999999999999",
    ] {
        let mut tools = FakeTools::default();
        let mut messages = vec![];
        let (reply, called) = turn(&mut messages, &mut tools, odd);
        assert!(!reply.is_empty(), "{odd:?}");
        assert!(
            called.iter().all(|c| c == "list_tasks" || c == "add_task"),
            "{odd:?}: {called:?}"
        );
    }
}

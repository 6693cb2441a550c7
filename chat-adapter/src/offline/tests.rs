//! The offline model through the whole multi-step protocol, against an in-memory stand-in for
//! the five tools, judged by the rules of `shared/eval/nl-dev-cases.json`: on that file, on our
//! tuning sets (`tuning-cases.json`, `extra-cases.json`) and on the held-out set.

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
                if let Some(c) = args.get("completed") {
                    self.tasks[i]["completed"] = c.clone();
                }
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
            ModelTurn::Reply { text, memo } => {
                messages.push(ChatMessage::Assistant {
                    content: Some(text.clone()),
                    tool_calls: vec![],
                    memo,
                });
                return (text, called);
            }
            ModelTurn::ToolCalls(calls) => {
                messages.push(ChatMessage::Assistant {
                    content: None,
                    tool_calls: calls.clone(),
                    memo: None,
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
        let mut args = json!({ "title": setup["title"] });
        if let Some(d) = setup.get("description") {
            args["description"] = d.clone();
        }
        let added = tools.run("add_task", &args);
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

fn cases_path(file: &str) -> String {
    format!("{}/eval/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn assert_all_pass(file: &str, at_least: usize) {
    let (total, failures) = run_file(&cases_path(file));
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
fn our_tuning_cases_all_pass() {
    assert_all_pass("tuning-cases.json", 130);
}

#[test]
fn other_phrasings_pass_too() {
    assert_all_pass("extra-cases.json", 60);
}

/// The held-out sets are never tuned against: they measure how the model generalises. Everyday
/// requests must pass at 95% or more, and every must-not-act case must change nothing.
#[test]
fn the_held_out_cases_generalise() {
    held_out("heldout-cases.json");
}

#[test]
fn the_second_held_out_set_generalises() {
    held_out("heldout2-cases.json");
}

fn held_out(file: &str) {
    let cases = eval::load(&cases_path(file)).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 100, "{file}: {} held-out cases", cases.len());
    let (mut everyday, mut everyday_passed, mut no_act, mut no_act_passed) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = play(case);
        let must_not_act = eval::category(case).starts_with("no-act");
        let (total, passed) = if must_not_act {
            (&mut no_act, &mut no_act_passed)
        } else {
            (&mut everyday, &mut everyday_passed)
        };
        *total += 1;
        match outcome {
            Ok(()) => *passed += 1,
            Err(e) => failures.push(format!("{}: {e}", case["id"])),
        }
    }
    eprintln!(
        "{file}: everyday {everyday_passed}/{everyday}, must-not-act {no_act_passed}/{no_act}\n{}",
        failures.join("\n")
    );
    assert_eq!(no_act_passed, no_act, "a must-not-act case changed data");
    assert!(
        everyday_passed * 100 >= everyday * 95,
        "everyday {everyday_passed}/{everyday} is under 95%"
    );
}

/// Questions, negations, small talk and meta requests change nothing, whatever the list holds:
/// played through the whole protocol (understanding, the policy and the tools), not just the
/// parser, against tasks that a careless reading would touch.
#[test]
fn must_not_act_changes_nothing() {
    let titles = [
        "Call grandma",
        "Text the accountant",
        "Call mom",
        "Pay the bills",
        "Delete old photos",
        "Finish the report",
        "Buy batteries",
    ];
    for say in [
        "did I call grandma already?",
        "have I called mom yet",
        "is the report done?",
        "have I finished the report?",
        "should I delete the photos task?",
        "what happens if I delete the bills task?",
        "I haven't called mom",
        "I didn't pay the bills",
        "I did not call mom",
        "not done yet",
        "don't delete the report",
        "I texted my sister",
        "I need help",
        "I have a question about how this works",
        "I have to go now",
        "thanks, that's all",
        "never mind",
        "forget about it",
        "forget it",
        "cancel that",
        "what can you do?",
        "hello there",
        "tell me a joke",
        "I need a break",
        "I have to say this is neat",
        "ok",
        "yes",
        "no",
        "delete",
        "mark as done",
        "complete the",
        "¿qué tareas tengo?",
        "supprime la tâche",
        "did the report get done?",
        "are the bills paid?",
        "I forgot to call grandma",
        "I still haven't texted the accountant",
        "can I delete the photos task?",
        "I don't need the batteries task anymore",
        "the report isn't done yet",
        "I called",
        "how do I delete a task?",
        "delete the piano lesson",
        "I'm tired",
    ] {
        let mut tools = FakeTools::default();
        for title in titles {
            tools.run("add_task", &json!({ "title": title }));
        }
        let before = tools.tasks.clone();
        let mut messages = vec![];
        let (reply, called) = turn(&mut messages, &mut tools, say);
        let changed: Vec<&String> = called.iter().filter(|c| *c != "list_tasks").collect();
        assert!(changed.is_empty(), "{say:?} called {changed:?}: {reply}");
        assert_eq!(tools.tasks, before, "{say:?}");
        assert!(!reply.is_empty(), "{say:?}");
    }
}

/// A weak match is asked about and acted on only after "yes"; "no" leaves everything.
#[test]
fn weak_evidence_asks_and_only_yes_acts() {
    for (answer, expect_deleted) in [("yes", true), ("no", false), ("what's pending?", false)] {
        let mut tools = FakeTools::default();
        tools.run("add_task", &json!({ "title": "Sign the permission form" }));
        let mut messages = vec![];
        let (question, called) = turn(&mut messages, &mut tools, "remove the school trip form");
        assert!(question.contains("Sign the permission form"), "{question}");
        assert!(!called.iter().any(|c| c == "delete_task"));
        let (_, called) = turn(&mut messages, &mut tools, answer);
        assert_eq!(
            called.iter().any(|c| c == "delete_task"),
            expect_deleted,
            "{answer}"
        );
        assert_eq!(tools.tasks.is_empty(), expect_deleted, "{answer}");
    }
}

/// "no, …" declines the question and reads the rest as a request; "yes, delete it" runs the
/// confirmed call once.
#[test]
fn an_answer_can_carry_a_request() {
    let mut tools = FakeTools::default();
    tools.run("add_task", &json!({ "title": "Sign the permission form" }));
    tools.run("add_task", &json!({ "title": "Pack lunches" }));
    let mut messages = vec![];
    turn(&mut messages, &mut tools, "remove the school trip form");
    let (reply, called) = turn(&mut messages, &mut tools, "no, delete the lunches one");
    assert_eq!(called, ["list_tasks", "delete_task"], "{reply}");
    assert_eq!(tools.tasks.len(), 1);
    assert_eq!(tools.tasks[0]["title"], "Sign the permission form");

    turn(
        &mut messages,
        &mut tools,
        "can I delete the permission form?",
    );
    let (reply, called) = turn(&mut messages, &mut tools, "yes, delete it");
    assert_eq!(called, ["list_tasks", "delete_task"], "{reply}");
    assert!(tools.tasks.is_empty());
}

//! What the model is shown each turn: instructions, then a bounded window of the
//! conversation rebuilt from the database, earlier tool calls and results included so "it" and
//! "the second one" still resolve, then the new message.

use serde_json::{Value, json};

use crate::{
    model::{ChatMessage, ToolCall},
    store::StoredMessage,
};

/// Stored messages (user and assistant) in the window: enough for references to resolve,
/// and a per-turn cost that does not grow with the conversation.
pub const WINDOW: i64 = 20;

pub const INSTRUCTIONS: &str = "You are the assistant of a todo app. You manage the user's \
task list only through the tools: add_task, list_tasks, complete_task, delete_task, update_task.
- Add tasks for requests such as \"add ...\", \"remind me to ...\", \"I need to ...\", \"don't let me \
forget ...\". Use the user's words for the title; if no title is given, ask for one.
- To act on a task named by title, by position (\"the second one\") or as \"it\", find its number \
from the conversation or with list_tasks first. Never guess a number. If several tasks match, ask \
which one and change nothing; if none matches, say so.
- Never delete or complete on weak evidence: unless the user gave the task's number, its exact \
title, or words that fit exactly one task, ask a yes/no question naming the task and its number \
(\"Delete 'Buy bread' (task 2)? yes / no\") and change nothing until they answer. Deleting more \
than one task always needs a yes first.
- Questions (\"did I call grandma?\", \"is the report done?\") and negations (\"I haven't paid \
the bills\", \"don't delete it\") change nothing: answer them with the task's state.
- A statement that something is done (\"I called mom\") means completing the matching task; \
\"X isn't done after all\" means update_task with completed false.
- Confirm every change and name the task and its number, e.g. \"Added 'Buy groceries' (task 12).\" \
When listing, number the lines 1..n and show each task's number and whether it is done.
- Relay tool errors in plain words. For greetings, thanks, help and anything off-topic, answer \
briefly and call no tool. Only English is understood: answer other languages in English saying \
so. The user_id argument is filled in for you.";

/// Tasks of an earlier list kept in the history; the rest are counted, not shown.
const LISTED_TASKS_KEPT: usize = 100;

/// An earlier tool result as the model sees it again: each task as its number, title and state
/// (descriptions and timestamps left out), at most [`LISTED_TASKS_KEPT`] of a list. This
/// turn's own results reach the model in full; the history stays small however big lists get.
fn compact(result: &Value) -> Value {
    let task =
        |t: &Value| json!({ "id": t["id"], "title": t["title"], "completed": t["completed"] });
    let mut out = result.clone();
    if let Some(tasks) = result["tasks"].as_array() {
        out["tasks"] = tasks.iter().take(LISTED_TASKS_KEPT).map(task).collect();
        if tasks.len() > LISTED_TASKS_KEPT {
            out["not_shown"] = json!(tasks.len() - LISTED_TASKS_KEPT);
        }
    }
    if result["task"].is_object() {
        out["task"] = task(&result["task"]);
    }
    out
}

pub fn build(stored: &[StoredMessage], new_message: &str) -> Vec<ChatMessage> {
    let mut messages = vec![ChatMessage::System {
        content: INSTRUCTIONS.to_owned(),
    }];
    for (index, message) in stored.iter().enumerate() {
        if message.role == "user" {
            messages.push(ChatMessage::User {
                content: message.content.clone(),
            });
            continue;
        }
        let records = message.tool_calls();
        if !records.is_empty() {
            let calls: Vec<ToolCall> = records
                .iter()
                .enumerate()
                .map(|(n, r)| ToolCall {
                    id: format!("call_{index}_{n}"),
                    name: r.name.clone(),
                    arguments: r.arguments.clone(),
                })
                .collect();
            messages.push(ChatMessage::Assistant {
                content: None,
                tool_calls: calls.clone(),
                memo: None,
            });
            for (call, record) in calls.iter().zip(&records) {
                messages.push(ChatMessage::Tool {
                    tool_call_id: call.id.clone(),
                    content: compact(&record.result).to_string(),
                });
            }
        }
        messages.push(ChatMessage::Assistant {
            content: Some(message.content.clone()),
            tool_calls: Vec::new(),
            memo: message.memo(),
        });
    }
    messages.push(ChatMessage::User {
        content: new_message.to_owned(),
    });
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_results_are_compact() {
        let tasks: Vec<Value> = (1..=120)
            .map(|n| json!({ "id": n, "title": format!("t{n}"), "description": "long words", "completed": false, "created_at": "x", "updated_at": "y" }))
            .collect();
        let listed = compact(&json!({ "tasks": tasks, "total": 120 }));
        assert_eq!(listed["tasks"].as_array().unwrap().len(), 100);
        assert_eq!(listed["not_shown"], 20);
        assert_eq!(listed["total"], 120);
        assert_eq!(
            listed["tasks"][0],
            json!({ "id": 1, "title": "t1", "completed": false })
        );
        let changed =
            compact(&json!({ "task_id": 3, "status": "created", "title": "a", "task": tasks[2] }));
        assert_eq!(
            changed["task"],
            json!({ "id": 3, "title": "t3", "completed": false })
        );
        assert_eq!(changed["task_id"], 3);
        let failed = json!({ "error": "Task 9 not found", "code": "not_found" });
        assert_eq!(compact(&failed), failed);
    }
}

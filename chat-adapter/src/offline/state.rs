//! What the conversation remembers, read back from the history: the memos the model stored
//! with its earlier replies (the list it showed, the task it talked about, an open question,
//! how to undo its last change), and the earlier tool calls for conversations without memos.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::understand::{Action, Filter};
use crate::model::ChatMessage;

/// A task as the tools report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
}

impl Task {
    pub fn from_value(value: &Value) -> Option<Self> {
        Some(Self {
            id: value["id"].as_i64()?,
            title: value["title"].as_str()?.to_owned(),
            description: value["description"]
                .as_str()
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            completed: value["completed"].as_bool().unwrap_or(false),
        })
    }

    /// The tasks of a `list_tasks` result: an array, or `{"tasks": [...]}`.
    pub fn list(result: &Value) -> Option<Vec<Self>> {
        let items = result.as_array().or_else(|| result["tasks"].as_array())?;
        Some(items.iter().filter_map(Self::from_value).collect())
    }
}

/// One tool call the model may make now or later (on "yes", on "undo").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub tool: String,
    pub args: Value,
}

impl Op {
    pub fn new(tool: &str, args: Value) -> Self {
        Self {
            tool: tool.to_owned(),
            args,
        }
    }

    /// The call that applies `action` to `task`.
    pub fn of(action: &Action, task: &Task) -> Self {
        match action {
            Action::Complete => Self::new("complete_task", json!({ "task_id": task.id })),
            Action::Delete => Self::new("delete_task", json!({ "task_id": task.id })),
            Action::Reopen => Self::new(
                "update_task",
                json!({ "task_id": task.id, "completed": false }),
            ),
            Action::Update { title, description } => {
                let mut args = json!({ "task_id": task.id });
                if let Some(t) = title {
                    args["title"] = json!(t);
                }
                if let Some(d) = description {
                    args["description"] = json!(d);
                }
                Self::new("update_task", args)
            }
        }
    }

    pub fn task_id(&self) -> Option<i64> {
        self.args["task_id"].as_i64()
    }
}

/// The question a reply left open. Nothing is changed until it is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Pending {
    /// "Delete 'Buy bread' (task 2)? yes / no": these calls run on "yes".
    Confirm { ops: Vec<Op> },
    /// "Which one do you mean?": the action waits for one of these tasks.
    Choose {
        action: Choice,
        candidates: Vec<i64>,
    },
    /// "One task or three?"
    Split { whole: String, parts: Vec<String> },
    /// "What should the task say?": the next message is the title.
    Title,
}

/// What waits on a choice: a change, or a question about a task's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "then", rename_all = "lowercase")]
pub enum Choice {
    Change {
        action: Action,
    },
    /// Then answer whether the chosen task is done (or, `pending`, whether it is still open).
    Status {
        #[serde(default)]
        pending: bool,
    },
}

/// The model's note stored with a reply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Memo {
    /// The task numbers of the numbered list this reply showed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<i64>,
    /// The task this reply talked about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<i64>,
    /// The task this reply added last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The calls that reverse this reply's changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo: Vec<Op>,
    /// This reply undid an earlier one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undid: bool,
}

impl Memo {
    pub fn to_value(&self) -> Option<Value> {
        (self != &Self::default())
            .then(|| serde_json::to_value(self).ok())
            .flatten()
    }
}

/// The conversation as the model needs it for this message.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The most recent numbered list shown.
    pub shown: Vec<i64>,
    /// The previous reply showed a numbered list: a bare number is a position in it.
    pub list_just_shown: bool,
    pub focus: Option<i64>,
    /// The focus comes from the previous reply (not an older one).
    pub focus_recent: bool,
    pub added: Option<i64>,
    /// The question the previous reply left open.
    pub pending: Option<Pending>,
    /// The most recent changes not undone yet.
    pub undo: Option<Vec<Op>>,
}

impl State {
    /// Reads the history before the current user message.
    pub fn from_history(messages: &[ChatMessage]) -> Self {
        let mut state = Self::default();
        let mut replies = 0usize;
        let mut undone = 0usize;
        let mut undo_found = false;
        // Newest first: the first value found for each part is the current one.
        for message in messages.iter().rev() {
            let ChatMessage::Assistant {
                content: Some(_),
                memo,
                ..
            } = message
            else {
                continue;
            };
            replies += 1;
            let memo: Memo = memo
                .as_ref()
                .and_then(|m| serde_json::from_value(m.clone()).ok())
                .unwrap_or_default();
            if replies == 1 {
                state.pending = memo.pending.clone();
                state.list_just_shown = !memo.shown.is_empty();
            }
            if state.shown.is_empty() && !memo.shown.is_empty() {
                state.shown = memo.shown.clone();
            }
            if state.focus.is_none() && memo.focus.is_some() {
                state.focus = memo.focus;
                state.focus_recent = replies == 1;
            }
            if state.added.is_none() {
                state.added = memo.added;
            }
            if !undo_found {
                if memo.undid {
                    undone += 1;
                } else if !memo.undo.is_empty() {
                    if undone == 0 {
                        state.undo = Some(memo.undo.clone());
                        undo_found = true;
                    } else {
                        undone -= 1;
                    }
                }
            }
        }
        state.fill_from_tool_calls(messages);
        state
    }

    /// A conversation another model answered has no memos: its tool calls still tell which
    /// task was touched last and which list was shown.
    fn fill_from_tool_calls(&mut self, messages: &[ChatMessage]) {
        let calls = tool_results(messages);
        if self.focus.is_none()
            && let Some((_, result)) = calls
                .iter()
                .rev()
                .find(|(name, r)| name != "list_tasks" && r["task_id"].is_i64())
        {
            self.focus = result["task_id"].as_i64();
            self.focus_recent = true;
        }
        if self.added.is_none()
            && let Some((_, result)) = calls.iter().rev().find(|(name, _)| name == "add_task")
        {
            self.added = result["task_id"].as_i64();
        }
        if self.shown.is_empty()
            && let Some(tasks) = calls
                .iter()
                .rev()
                .find(|(name, _)| name == "list_tasks")
                .and_then(|(_, r)| Task::list(r))
        {
            self.shown = tasks.iter().map(|t| t.id).collect();
        }
    }
}

/// Every tool call in `messages` with its parsed result, in order.
pub fn tool_results(messages: &[ChatMessage]) -> Vec<(String, Value)> {
    let mut names = std::collections::HashMap::new();
    let mut done = Vec::new();
    for message in messages {
        match message {
            ChatMessage::Assistant { tool_calls, .. } => {
                for call in tool_calls {
                    names.insert(call.id.clone(), call.name.clone());
                }
            }
            ChatMessage::Tool {
                tool_call_id,
                content,
            } => {
                let name = names.get(tool_call_id).cloned().unwrap_or_default();
                let result = serde_json::from_str(content).unwrap_or(Value::Null);
                done.push((name, result));
            }
            _ => {}
        }
    }
    done
}

/// Which tasks a status filter keeps.
pub fn keeps(filter: Filter, task: &Task) -> bool {
    match filter {
        Filter::All => true,
        Filter::Pending => !task.completed,
        Filter::Completed => task.completed,
    }
}

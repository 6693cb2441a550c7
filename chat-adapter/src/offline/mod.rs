//! The built-in offline model: no network, no weights, microseconds a step. It reads the same
//! messages and tool definitions as a hosted model, asks for tool calls, reads their results
//! and writes the reply.
//!
//! A step: read the intent of the latest user message ([`intent`]); resolve which task it means
//! from this turn's tool results or earlier ones in the window (the list last shown, the task
//! last touched); then either call a tool or reply ([`reply`]). A title reference is resolved by
//! listing the tasks first; several matches or none mean a question, never a guess.
//!
//! Precedence of references: "task 3" / "#3" is an id; "number 3", "the third one" and "the
//! last one" are positions in the list last shown (the whole list if none was shown); "it" is
//! the task touched most recently.

mod intent;
mod matching;
mod reply;
#[cfg(test)]
mod tests;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use self::intent::{Action, Intent, Position, Target};
use crate::model::{ChatMessage, Model, ModelError, ModelTurn, ToolCall, ToolSpec};

/// Tool calls one turn may make before the model gives up and says so.
const MAX_CALLS_PER_TURN: usize = 4;

#[derive(Clone, Copy, Debug, Default)]
pub struct OfflineModel;

impl OfflineModel {
    pub fn new() -> Self {
        Self
    }
}

impl Model for OfflineModel {
    fn respond<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        _tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ModelTurn, ModelError>> {
        Box::pin(std::future::ready(Ok(step(messages))))
    }

    fn name(&self) -> String {
        "offline".into()
    }
}

/// One tool call and its parsed result.
struct Done {
    name: String,
    result: Value,
}

/// What earlier turns tell us: the list last shown and the task last touched.
#[derive(Default)]
struct Context {
    last_list: Option<Vec<Value>>,
    last_touched: Option<i64>,
}

fn step(messages: &[ChatMessage]) -> ModelTurn {
    let Some(user_at) = messages
        .iter()
        .rposition(|m| matches!(m, ChatMessage::User { .. }))
    else {
        return ModelTurn::Reply(reply::chat(intent::ChatKind::Help));
    };
    let ChatMessage::User { content } = &messages[user_at] else {
        return ModelTurn::Reply(reply::chat(intent::ChatKind::Help));
    };
    let earlier = calls(&messages[..user_at]);
    let this_turn = calls(&messages[user_at + 1..]);
    let context = Context::from(&earlier);
    if this_turn.len() >= MAX_CALLS_PER_TURN {
        return ModelTurn::Reply(
            "Sorry, I got lost there. Could you say that again more simply?".into(),
        );
    }
    decide(intent::parse(content), &context, &this_turn)
}

fn decide(intent: Intent, context: &Context, turn: &[Done]) -> ModelTurn {
    match intent {
        Intent::Chat(kind) => ModelTurn::Reply(reply::chat(kind)),
        Intent::Add { title: None, .. } => ModelTurn::Reply(reply::ask_title()),
        Intent::Add {
            title: Some(title),
            description,
        } => match last_change(turn) {
            Some(done) => ModelTurn::Reply(reply::changed(&done.name, &done.result)),
            None => {
                let mut args = json!({ "title": title });
                if let Some(d) = description {
                    args["description"] = json!(d);
                }
                call("add_task", args)
            }
        },
        Intent::List { filter, count } => {
            match turn.iter().rev().find(|d| d.name == "list_tasks") {
                Some(done) => ModelTurn::Reply(reply::list(
                    done.result.as_array().map_or(&[][..], Vec::as_slice),
                    filter,
                    count,
                )),
                None => call("list_tasks", json!({ "status": filter.as_str() })),
            }
        }
        Intent::Act { action, target } => {
            if let Some(done) = last_change(turn) {
                return ModelTurn::Reply(reply::changed(&done.name, &done.result));
            }
            let listed_now = turn
                .iter()
                .rev()
                .find(|d| d.name == "list_tasks")
                .and_then(|d| d.result.as_array());
            match resolve(&target, &action, context, listed_now) {
                Resolution::Task(id) => act(&action, id),
                Resolution::NeedList => call("list_tasks", json!({ "status": "all" })),
                Resolution::Ask(text) => ModelTurn::Reply(text),
            }
        }
    }
}

enum Resolution {
    Task(i64),
    NeedList,
    Ask(String),
}

fn resolve(
    target: &Target,
    action: &Action,
    context: &Context,
    listed_now: Option<&Vec<Value>>,
) -> Resolution {
    match target {
        Target::Id(id) => Resolution::Task(*id),
        Target::It => context
            .last_touched
            .map_or_else(|| Resolution::Ask(reply::ask_which()), Resolution::Task),
        Target::Position(position) => {
            let Some(list) = listed_now.or(context.last_list.as_ref()) else {
                return Resolution::NeedList;
            };
            let index = match position {
                Position::Nth(n) if *n >= 1 && *n <= list.len() => Some(n - 1),
                Position::Last if !list.is_empty() => Some(list.len() - 1),
                _ => None,
            };
            match index.and_then(|i| list[i]["id"].as_i64()) {
                Some(id) => Resolution::Task(id),
                None => {
                    let n = match position {
                        Position::Nth(n) => *n,
                        Position::Last => 0,
                    };
                    Resolution::Ask(reply::no_position(n, list.len()))
                }
            }
        }
        Target::Phrase(phrase) => {
            let Some(list) = listed_now else {
                return Resolution::NeedList;
            };
            pick(phrase, action, list)
        }
    }
}

/// The one task `phrase` names, or a question.
fn pick(phrase: &str, action: &Action, tasks: &[Value]) -> Resolution {
    let scored: Vec<(usize, &Value)> = tasks
        .iter()
        .filter_map(|t| {
            matching::score(phrase, t["title"].as_str().unwrap_or_default()).map(|s| (s, t))
        })
        .collect();
    let best = scored.iter().map(|(s, _)| *s).max();
    let mut candidates: Vec<&Value> = scored
        .iter()
        .filter(|(s, _)| Some(*s) == best)
        .map(|(_, t)| *t)
        .collect();
    // Completing: a task already done is not what "I called mom" is about.
    if matches!(action, Action::Complete) && candidates.len() > 1 {
        let pending: Vec<&Value> = candidates
            .iter()
            .copied()
            .filter(|t| t["completed"] != true)
            .collect();
        if !pending.is_empty() {
            candidates = pending;
        }
    }
    match candidates.as_slice() {
        [one] => one["id"]
            .as_i64()
            .map_or_else(|| Resolution::Ask(reply::ask_which()), Resolution::Task),
        [] => Resolution::Ask(reply::no_match(&describe(phrase))),
        many => Resolution::Ask(reply::ambiguous(many)),
    }
}

/// The phrase as the user would recognise it, without "the ... task".
fn describe(phrase: &str) -> String {
    let words: Vec<&str> = phrase
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "the" | "task" | "my" | "todo" | "item" | "one"
            )
        })
        .collect();
    if words.is_empty() {
        phrase.to_owned()
    } else {
        words.join(" ")
    }
}

fn act(action: &Action, id: i64) -> ModelTurn {
    match action {
        Action::Complete => call("complete_task", json!({ "task_id": id })),
        Action::Delete => call("delete_task", json!({ "task_id": id })),
        Action::Update { title, description } => {
            let mut args = json!({ "task_id": id });
            if let Some(t) = title {
                args["title"] = json!(t);
            }
            if let Some(d) = description {
                args["description"] = json!(d);
            }
            call("update_task", args)
        }
    }
}

fn call(name: &str, arguments: Value) -> ModelTurn {
    ModelTurn::ToolCalls(vec![ToolCall {
        id: format!("offline_{name}"),
        name: name.to_owned(),
        arguments,
    }])
}

fn last_change(turn: &[Done]) -> Option<&Done> {
    turn.iter().rev().find(|d| d.name != "list_tasks")
}

/// The tool calls in `messages` with their results, in order.
fn calls(messages: &[ChatMessage]) -> Vec<Done> {
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
                done.push(Done { name, result });
            }
            _ => {}
        }
    }
    done
}

impl Context {
    fn from(earlier: &[Done]) -> Self {
        let mut context = Self::default();
        for done in earlier {
            if done.result.get("error").is_some() {
                continue;
            }
            match done.name.as_str() {
                "list_tasks" => context.last_list = done.result.as_array().cloned(),
                _ => {
                    if let Some(id) = done.result["task_id"].as_i64() {
                        context.last_touched = Some(id);
                    }
                }
            }
        }
        context
    }
}

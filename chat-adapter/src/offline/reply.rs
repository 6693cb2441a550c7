//! How the offline model words its replies: every change confirmed with the task's title and
//! id, lists numbered with ids, errors in plain words.

use serde_json::Value;

use super::intent::{ChatKind, Filter};

pub const HELP: &str = "I can manage your todo list. Try:\n\
- \"add a task to buy groceries\" (or \"remind me to call mom\")\n\
- \"what's pending?\" or \"show all my tasks\"\n\
- \"mark task 3 as done\" or \"I called mom\"\n\
- \"delete the meeting task\"\n\
- \"rename task 2 to call mom tonight\"";

pub fn chat(kind: ChatKind) -> String {
    match kind {
        ChatKind::Greeting => {
            "Hi! I'm your todo assistant. Tell me what to add, or ask what's on your list.".into()
        }
        ChatKind::Thanks => "You're welcome! Anything else for your list?".into(),
        ChatKind::Help => HELP.into(),
        ChatKind::OffTopic => format!("I can only help with your todo list, sorry.\n{HELP}"),
    }
}

pub fn ask_title() -> String {
    "Sure. What should the task say? For example: \"add a task to buy groceries\".".into()
}

pub fn ask_which() -> String {
    "Which task do you mean? You can say its number, e.g. \"task 3\", or part of its title.".into()
}

pub fn no_match(phrase: &str) -> String {
    format!("I couldn't find a task matching '{phrase}'. Say \"show my tasks\" to see them all.")
}

pub fn no_position(n: usize, len: usize) -> String {
    match len {
        0 => "Your list is empty, so there's nothing to pick.".into(),
        1 => format!("There is only 1 task on that list, so there is no number {n}."),
        _ => format!("There are only {len} tasks on that list, so there is no number {n}."),
    }
}

pub fn ambiguous(candidates: &[&Value]) -> String {
    let names: Vec<String> = candidates.iter().map(|t| name(t)).collect();
    let (last, rest) = names
        .split_last()
        .map(|(l, r)| (l.clone(), r.join(", ")))
        .unwrap_or_default();
    format!("Which one do you mean: {rest} or {last}? I haven't changed anything.")
}

/// "'Call mom' (task 4)".
pub fn name(task: &Value) -> String {
    format!(
        "'{}' (task {})",
        task["title"].as_str().unwrap_or("?"),
        task["id"].as_i64().unwrap_or_default()
    )
}

/// The reply to a change tool's result (or its error).
pub fn changed(tool: &str, result: &Value) -> String {
    if let Some(error) = result["error"].as_str() {
        return failure(error);
    }
    let title = result["title"].as_str().unwrap_or("?");
    let id = result["task_id"].as_i64().unwrap_or_default();
    match tool {
        "add_task" => match result["task"]["description"].as_str() {
            Some(d) => format!("Added '{title}' (task {id}) with the description \"{d}\"."),
            None => format!("Added '{title}' (task {id})."),
        },
        "complete_task" => format!("Marked '{title}' (task {id}) as done."),
        "delete_task" => format!("Deleted '{title}' (task {id})."),
        _ => match result["task"]["description"].as_str() {
            Some(d) => format!("Updated task {id}: now '{title}' (description: \"{d}\")."),
            None => format!("Updated task {id}: now '{title}'."),
        },
    }
}

fn failure(error: &str) -> String {
    if let Some(id) = error
        .strip_prefix("Task ")
        .and_then(|r| r.strip_suffix(" not found"))
    {
        return format!("I couldn't find task {id}. Say \"show my tasks\" to see their numbers.");
    }
    format!("That didn't work: {error}")
}

pub fn list(tasks: &[Value], filter: Filter, count: bool) -> String {
    let n = tasks.len();
    let plural = |n: usize| if n == 1 { "task" } else { "tasks" };
    if n == 0 {
        return match filter {
            Filter::All => "Your list is empty. Want to add something?".into(),
            Filter::Pending => "Nothing pending: you're all caught up!".into(),
            Filter::Completed => "You haven't completed any tasks yet.".into(),
        };
    }
    let head = match filter {
        Filter::All => {
            let done = tasks.iter().filter(|t| t["completed"] == true).count();
            format!(
                "You have {n} {} on your list ({} pending, {done} completed):",
                plural(n),
                n - done
            )
        }
        Filter::Pending => format!("You have {n} pending {}:", plural(n)),
        Filter::Completed => format!("You've completed {n} {}:", plural(n)),
    };
    let lines: Vec<String> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mark = if filter == Filter::All && t["completed"] == true {
                " (done)"
            } else {
                ""
            };
            format!(
                "{}. {} (task {}){mark}",
                i + 1,
                t["title"].as_str().unwrap_or("?"),
                t["id"].as_i64().unwrap_or_default()
            )
        })
        .collect();
    let _ = count; // the count always leads the reply
    format!("{head}\n{}", lines.join("\n"))
}

//! The last stage: the words. Every change names the task and its number, lists are numbered
//! `1.`..`n.` with the task number beside each line, questions say that nothing changed yet.

use serde_json::Value;

use super::{
    resolve::Resolved,
    state::{Op, Task},
    understand::{ChatKind, Filter, Verb},
};

pub const HELP: &str = "I can manage your todo list. Try:\n\
- \"add a task to buy groceries\" (or \"remind me to call mom\")\n\
- \"what's pending?\" or \"show all my tasks\"\n\
- \"mark task 3 as done\" or \"I called mom\"\n\
- \"delete the meeting task\"\n\
- \"rename task 2 to call mom tonight\"\n\
- \"undo\" to take back my last change";

pub fn chat(kind: ChatKind) -> String {
    match kind {
        ChatKind::Greeting => {
            "Hi! I'm your todo assistant. Tell me what to add, or ask what's on your list.".into()
        }
        ChatKind::Thanks => "You're welcome! Anything else for your list?".into(),
        ChatKind::Help => HELP.into(),
        ChatKind::Bye => "Bye for now! Your list will be here when you're back.".into(),
        ChatKind::Dismiss => "OK, never mind. I haven't changed anything.".into(),
        ChatKind::Ack => "OK. Anything else for your list?".into(),
        ChatKind::OffTopic => format!("I can only help with your todo list, sorry.\n{HELP}"),
    }
}

pub fn foreign() -> String {
    "Sorry, I only understand English for now. Try, for example: \"add a task to buy milk\" or \"what's pending?\"".into()
}

pub fn unclear(verb: Option<&str>) -> String {
    let example = |v: &str| match v {
        "add" => "\"add buy milk\"",
        "delete" | "remove" => "\"delete task 3\" or \"delete the milk task\"",
        "complete" | "finish" | "mark" => "\"mark task 3 as done\" or \"I called mom\"",
        "rename" | "edit" | "update" | "change" => "\"rename task 3 to call mom tonight\"",
        "reopen" => "\"reopen task 3\"",
        _ => "\"undo\"",
    };
    match verb {
        Some(v) => format!(
            "I understood '{v}' but not which task or what to change. Try {}. I haven't changed anything.",
            example(v)
        ),
        None => "I couldn't tell what to do with your list from that, so I haven't changed anything. Try \"show my tasks\", \"add buy milk\", \"mark task 3 as done\" or \"delete task 3\".".into(),
    }
}

pub fn ask_title() -> String {
    "Sure. What should the task say? For example: \"buy groceries\".".into()
}

/// "'Call mom' (task 4)".
pub fn name(task: &Task) -> String {
    format!("'{}' (task {})", task.title, task.id)
}

fn numbered(tasks: &[Task], marks: bool) -> String {
    tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mark = if marks && t.completed { " (done)" } else { "" };
            format!("{}. {} (task {}){mark}", i + 1, t.title, t.id)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn verb_word(op: &Op) -> &'static str {
    match op.tool.as_str() {
        "complete_task" => "Mark",
        "delete_task" => "Delete",
        "add_task" => "Add",
        _ if is_reopen(op) => "Reopen",
        _ => "Change",
    }
}

fn is_reopen(op: &Op) -> bool {
    op.tool == "update_task"
        && op.args["completed"] == false
        && op.args.get("title").is_none()
        && op.args.get("description").is_none()
}

/// "Delete 'Buy bread' (task 2)? yes / no".
pub fn confirm(ops: &[(Op, Task)]) -> String {
    match ops {
        [(op, task)] => {
            let what = match op.tool.as_str() {
                "complete_task" => format!("Mark {} as done", name(task)),
                "update_task" if is_reopen(op) => format!("Reopen {}", name(task)),
                "update_task" => match (op.args["title"].as_str(), op.args["description"].as_str())
                {
                    (Some(title), _) => format!("Rename {} to '{title}'", name(task)),
                    (None, Some(d)) => format!("Set the description of {} to \"{d}\"", name(task)),
                    _ => format!("Change {}", name(task)),
                },
                "add_task" => format!("Add '{}' to your list", task.title),
                _ => format!("{} {}", verb_word(op), name(task)),
            };
            format!("{what}? yes / no")
        }
        many => {
            let verb = many.first().map_or("Change", |(op, _)| verb_word(op));
            let tasks: Vec<Task> = many.iter().map(|(_, t)| t.clone()).collect();
            let suffix = if verb == "Mark" { " as done" } else { "" };
            format!(
                "{verb} these {} tasks{suffix}?\n{}\nyes / no",
                many.len(),
                numbered(&tasks, false)
            )
        }
    }
}

pub fn choose(tasks: &[Task]) -> String {
    format!(
        "Which one do you mean?\n{}\nSay its number on this list, \"task N\", or more of the title. I haven't changed anything.",
        numbered(tasks, true)
    )
}

pub fn split(whole: &str, parts: &[String]) -> String {
    let listed: Vec<String> = parts.iter().map(|p| format!("'{p}'")).collect();
    format!(
        "Should I add '{whole}' as one task, or as {} tasks: {}? Say \"one\" or \"{}\".",
        parts.len(),
        listed.join(", "),
        parts.len()
    )
}

pub fn ask_add(title: &str) -> String {
    format!("Do you want me to add '{title}' to your list? yes / no")
}

pub fn missing(resolved: &Resolved) -> String {
    match resolved {
        Resolved::Missing(what) if what.starts_with("task ") => format!(
            "I couldn't find {what}. I haven't changed anything; say \"show my tasks\" to see their numbers."
        ),
        Resolved::Missing(what) => format!(
            "I couldn't find a task matching {what}, so I haven't changed anything. Say \"show my tasks\" to see them all."
        ),
        Resolved::NoSuchLine { len: 0, .. } => {
            "There's nothing on that list, so there's nothing to pick.".into()
        }
        Resolved::NoSuchLine { n, len: 1 } => {
            format!("There is only 1 task on that list, so there is no number {n}.")
        }
        Resolved::NoSuchLine { n, len } => {
            format!("There are only {len} tasks on that list, so there is no number {n}.")
        }
        _ => {
            "Which task do you mean? Say its number, e.g. \"task 3\", or part of its title.".into()
        }
    }
}

pub fn already(task: &Task) -> String {
    if task.completed {
        format!("{} was already done.", name(task))
    } else {
        format!(
            "{} isn't marked done, so there's nothing to reopen.",
            name(task)
        )
    }
}

pub fn nothing_to_change(verb: &str) -> String {
    format!("There's nothing to {verb}: no task fits. I haven't changed anything.")
}

/// The answer to "did I …?", "is X done?", or with `asked_pending` to "is X still pending?".
pub fn status(task: &Task, sure: bool, asked_pending: bool) -> String {
    let lead = if sure {
        String::new()
    } else {
        format!("If you mean {}: ", name(task))
    };
    let yes = if task.completed != asked_pending {
        "Yes"
    } else {
        "No"
    };
    let state = if task.completed {
        "is done"
    } else {
        "is still pending"
    };
    format!("{lead}{yes}: {} {state}.", name(task))
}

pub fn advice(task: &Task, verb: Verb) -> String {
    let state = if task.completed {
        "done"
    } else {
        "still pending"
    };
    let command = match verb {
        Verb::Delete => format!("\"delete task {}\"", task.id),
        Verb::Complete => format!("\"mark task {} as done\"", task.id),
        Verb::Reopen => format!("\"reopen task {}\"", task.id),
        Verb::Update => format!("\"rename task {} to ...\"", task.id),
    };
    format!(
        "{} is {state}. That's your call: say {command} if you want that. I haven't changed anything.",
        name(task)
    )
}

pub fn consequence(task: &Task, verb: Verb) -> String {
    let effect = match verb {
        Verb::Delete => "Deleting it removes it from your list for good",
        Verb::Complete => "Marking it done keeps it on your list, checked off",
        Verb::Reopen => "Reopening it puts it back among your pending tasks",
        Verb::Update => "Renaming it changes only its title",
    };
    format!(
        "{effect}; you can say \"undo\" right after. {} is {} now, and I haven't changed anything.",
        name(task),
        if task.completed { "done" } else { "pending" }
    )
}

pub fn not_yet(task: &Task) -> String {
    if task.completed {
        format!(
            "{} is marked done. If it isn't, say \"reopen task {}\". I haven't changed anything.",
            name(task),
            task.id
        )
    } else {
        format!("OK, {} stays on your list as pending.", name(task))
    }
}

pub fn kept(task: &Task) -> String {
    format!("OK, I'll leave {} as it is.", name(task))
}

pub fn nothing_changed() -> String {
    "OK, I haven't changed anything.".into()
}

pub fn nothing_to_undo() -> String {
    "There's nothing for me to undo in this conversation.".into()
}

/// The reply to a change tool's result (or its error); `op` is the call that was made.
pub fn changed(op: &Op, result: &Value) -> String {
    if let Some(error) = result["error"].as_str() {
        return failure(error);
    }
    let title = result["title"].as_str().unwrap_or("?");
    let id = result["task_id"].as_i64().unwrap_or_default();
    let description = result["task"]["description"]
        .as_str()
        .filter(|d| !d.is_empty());
    match op.tool.as_str() {
        "add_task" => match description {
            Some(d) => format!("Added '{title}' (task {id}) with the description \"{d}\"."),
            None => format!("Added '{title}' (task {id})."),
        },
        "complete_task" => format!("Marked '{title}' (task {id}) as done."),
        "delete_task" => format!("Deleted '{title}' (task {id})."),
        _ if is_reopen(op) => format!("Reopened '{title}' (task {id}): it's pending again."),
        _ => {
            let mut parts = vec![format!("Updated task {id}: now '{title}'")];
            if op.args.get("description").is_some() {
                parts.push(match description {
                    Some(d) => format!("with the description \"{d}\""),
                    None => "without a description".into(),
                });
            }
            if op.args["completed"] == true {
                parts.push("and marked done".into());
            }
            format!("{}.", parts.join(" "))
        }
    }
}

pub fn failure(error: &str) -> String {
    if let Some(id) = error
        .strip_prefix("Task ")
        .and_then(|r| r.strip_suffix(" not found"))
    {
        return format!("I couldn't find task {id}. Say \"show my tasks\" to see their numbers.");
    }
    format!("That didn't work: {error}")
}

pub fn list(tasks: &[Task], filter: Filter) -> String {
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
            let done = tasks.iter().filter(|t| t.completed).count();
            format!(
                "You have {n} {} on your list ({} pending, {done} completed):",
                plural(n),
                n - done
            )
        }
        Filter::Pending => format!("You have {n} pending {}:", plural(n)),
        Filter::Completed => format!("You've completed {n} {}:", plural(n)),
    };
    format!("{head}\n{}", numbered(tasks, filter == Filter::All))
}

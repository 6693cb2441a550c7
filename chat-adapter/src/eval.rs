//! The rules of the natural-language cases (`shared/eval/nl-dev-cases.json` and
//! `eval/extra-cases.json`): shared by the offline model's unit tests and the
//! `todo-chat-eval` runner, so both judge exactly alike.

use serde_json::Value;

/// The cases of a cases file.
pub fn load(path: &str) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let file: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(file["cases"].as_array().cloned().unwrap_or_default())
}

/// A case's category: its `category` field, else the part of its id before the first "-"
/// (the shared dev set names its cases "add-basic", "list-pending", ...).
pub fn category(case: &Value) -> String {
    case["category"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let id = case["id"].as_str().unwrap_or("other");
            id.split('-').next().unwrap_or(id).to_owned()
        })
}

/// `{id:TITLE}` in a turn becomes the id of the setup task with that title.
pub fn substitute(say: &str, ids: &[(String, i64)]) -> String {
    ids.iter().fold(say.to_owned(), |say, (title, id)| {
        say.replace(&format!("{{id:{title}}}"), &id.to_string())
    })
}

const CHANGING: [&str; 4] = ["add_task", "complete_task", "delete_task", "update_task"];

/// One turn against its spec: required tools, no data-changing tool, mentions, absences.
pub fn judge_turn(spec: &Value, say: &str, reply: &str, tools: &[String]) -> Result<(), String> {
    let lower = reply.to_lowercase();
    let strings = |key: &str| {
        spec[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
    };
    for tool in strings("tools") {
        if !tools.iter().any(|t| t == tool) {
            return Err(format!(
                "{say:?}: expected {tool}, called {tools:?}; replied {reply:?}"
            ));
        }
    }
    if spec["no_tools"] == true && tools.iter().any(|t| CHANGING.contains(&t.as_str())) {
        return Err(format!(
            "{say:?}: changed data with {tools:?}; replied {reply:?}"
        ));
    }
    for m in strings("mentions") {
        if !lower.contains(&m.to_lowercase()) {
            return Err(format!("{say:?}: reply lacks {m:?}: {reply:?}"));
        }
    }
    let any = strings("mentions_any");
    if !any.is_empty() && !any.iter().any(|m| lower.contains(&m.to_lowercase())) {
        return Err(format!("{say:?}: reply lacks any of {any:?}: {reply:?}"));
    }
    for m in strings("absent") {
        if lower.contains(&m.to_lowercase()) {
            return Err(format!("{say:?}: reply mentions {m:?}: {reply:?}"));
        }
    }
    Ok(())
}

/// The user's tasks afterwards hold exactly the case's `final` tasks.
pub fn judge_final(case: &Value, tasks: &[Value]) -> Result<(), String> {
    let expected = case["final"].as_array().cloned().unwrap_or_default();
    if expected.len() != tasks.len() {
        return Err(format!(
            "expected {} tasks {expected:?}, found {tasks:?}",
            expected.len()
        ));
    }
    for want in &expected {
        let found = tasks.iter().any(|t| {
            accepts(&want["title"], t["title"].as_str().unwrap_or_default())
                && t["completed"] == want.get("completed").cloned().unwrap_or(Value::Bool(false))
                && want
                    .get("description")
                    .is_none_or(|d| accepts(d, t["description"].as_str().unwrap_or_default()))
        });
        if !found {
            return Err(format!("missing {want} in {tasks:?}"));
        }
    }
    Ok(())
}

/// Titles compare case-insensitively, ignoring surrounding quotes, trailing punctuation and
/// repeated spaces; a list of titles accepts any of them.
fn accepts(expected: &Value, actual: &str) -> bool {
    let norm = |t: &str| {
        let t = t
            .trim()
            .trim_matches(['"', '\''])
            .trim_end_matches(['.', '!', '?', ',', ';', ':'])
            .trim();
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    match expected {
        Value::Array(options) => options
            .iter()
            .any(|o| o.as_str().is_some_and(|o| norm(o) == norm(actual))),
        other => other.as_str().is_some_and(|o| norm(o) == norm(actual)),
    }
}

//! Reading a message as the answer to the question the previous reply left open: "yes" or
//! "no" to a confirmation, "the second one" to "which one?", "three" to "one task or three?",
//! or the title asked for. A message that answers nothing is read as a new request instead.

use serde_json::json;

use super::{
    Out, Replay, Step, act, decide_and_act, normalize, placeholder, policy, reply,
    resolve::{self, Prefer, Resolved, Strength},
    state::{Choice, Op, Pending, State, Task},
    understand::{self, ChatKind, Cue, Reference, Request},
};

// ---- Answers to an open question -----------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum YesNo {
    Yes,
    No,
}

fn yes_no(message: &str) -> Option<YesNo> {
    let words = normalize::words(message);
    let first = words.first()?.as_str();
    let text = words.join(" ");
    let yes = [
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "ya",
        "yea",
        "sure",
        "ok",
        "okay",
        "k",
        "correct",
        "right",
        "confirm",
        "confirmed",
        "affirmative",
        "absolutely",
        "definitely",
        "please",
        "certainly",
        "indeed",
        "aye",
        "exactly",
    ];
    let no = [
        "no",
        "n",
        "nope",
        "nah",
        "don't",
        "dont",
        "cancel",
        "stop",
        "wait",
        "negative",
        "never",
        "nevermind",
        "keep",
        "leave",
    ];
    let yes_phrases = [
        "do it",
        "go ahead",
        "go for it",
        "please do",
        "that's right",
        "that one",
        "sounds good",
        "of course",
        "i do",
        "i am sure",
        "i'm sure",
        "that's it",
        "yes please",
    ];
    let no_phrases = [
        "never mind",
        "not that",
        "forget it",
        "don't do it",
        "no thanks",
        "leave it",
        "keep it",
        "not really",
        "changed my mind",
    ];
    if no_phrases.iter().any(|p| text.starts_with(p)) || no.contains(&first) {
        return Some(YesNo::No);
    }
    if yes_phrases.iter().any(|p| text.starts_with(p)) || yes.contains(&first) {
        // "yes, and add milk" is a yes; "sure, add milk" too. Only the answer is read here.
        return Some(YesNo::Yes);
    }
    None
}

/// Reads `message` as the answer to the open question. `Ok(true)` when it was one.
pub(super) fn answer(
    pending: &Pending,
    message: &str,
    replay: &mut Replay,
    out: &mut Out,
) -> Step<bool> {
    let reply = yes_no(message);
    match pending {
        Pending::Confirm { ops } => match reply {
            Some(YesNo::Yes) => {
                let tasks = replay.tasks()?;
                let pairs: Vec<(Op, Task)> = ops
                    .iter()
                    .map(|op| {
                        let task = op
                            .task_id()
                            .and_then(|id| tasks.iter().find(|t| t.id == id).cloned())
                            .unwrap_or_else(|| placeholder(op));
                        (op.clone(), task)
                    })
                    .collect();
                act(&pairs, replay, out)?;
                Ok(true)
            }
            Some(YesNo::No) => {
                out.say(reply::nothing_changed());
                Ok(true)
            }
            None => Ok(false),
        },
        Pending::Choose { action, candidates } => {
            if reply == Some(YesNo::No) || is_dismissal(message) {
                out.say(reply::nothing_changed());
                return Ok(true);
            }
            let tasks = replay.tasks()?;
            let candidates: Vec<Task> = candidates
                .iter()
                .filter_map(|id| tasks.iter().find(|t| t.id == *id).cloned())
                .collect();
            let Some(chosen) = chosen(message, &candidates) else {
                return Ok(false);
            };
            match action {
                Choice::Status => {
                    for task in &chosen {
                        out.say(reply::status(task, true));
                    }
                    out.memo.focus = chosen.last().map(|t| t.id);
                }
                Choice::Change { action } => {
                    let targets: Vec<(Task, Strength)> =
                        chosen.into_iter().map(|t| (t, Strength::Strong)).collect();
                    decide_and_act(
                        action,
                        policy::decide_many(action, targets, Cue::Direct, false),
                        replay,
                        out,
                    )?;
                }
            }
            Ok(true)
        }
        Pending::Split { whole, parts } => {
            if reply == Some(YesNo::No) || is_dismissal(message) {
                out.say(reply::nothing_changed());
                return Ok(true);
            }
            let words = normalize::words(message);
            let text = words.join(" ");
            let count = parts.len().to_string();
            let one = [
                "one",
                "1",
                "single",
                "just one",
                "one task",
                "together",
                "as one",
                "a single task",
                "one please",
            ]
            .iter()
            .any(|w| text == *w || text.starts_with(&format!("{w} ")))
                || text.contains("one task")
                || text.contains("single");
            let many_words = [
                "separately",
                "separate",
                "several",
                "split",
                "each",
                "individually",
                "many",
                "multiple",
                "all",
                "both",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "apart",
                "different",
            ];
            let many = words
                .iter()
                .any(|w| many_words.contains(&w.as_str()) || *w == count)
                || text.contains("separate");
            let titles: Vec<String> = if one && !many {
                vec![whole.clone()]
            } else if many && !one {
                parts.clone()
            } else {
                return Ok(false);
            };
            let ops: Vec<Op> = titles
                .iter()
                .map(|t| Op::new("add_task", json!({ "title": t })))
                .collect();
            let pairs: Vec<(Op, Task)> =
                ops.iter().map(|op| (op.clone(), placeholder(op))).collect();
            act(&pairs, replay, out)?;
            Ok(true)
        }
        Pending::Title => {
            let requests = understand::parse(message);
            let is_title = matches!(
                requests.as_slice(),
                [Request::Chat(ChatKind::OffTopic)] | [Request::Unclear { .. }]
            );
            if !is_title {
                return Ok(false);
            }
            let title = understand::clean_title(message);
            let op = Op::new("add_task", json!({ "title": title }));
            act(&[(op.clone(), placeholder(&op))], replay, out)?;
            Ok(true)
        }
    }
}

fn is_dismissal(message: &str) -> bool {
    matches!(
        understand::parse(message).as_slice(),
        [Request::Chat(ChatKind::Dismiss)]
    )
}

/// The candidates a message picks: "the second one", "2", "task 7", "both", or title words.
fn chosen(message: &str, candidates: &[Task]) -> Option<Vec<Task>> {
    let words = normalize::words(message);
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "both" | "all" | "each"))
    {
        return Some(candidates.to_vec());
    }
    let text = understand::clean_title(message);
    let reference =
        understand::reference(text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#'));
    let list_state = State {
        shown: candidates.iter().map(|t| t.id).collect(),
        list_just_shown: true,
        ..State::default()
    };
    let reference = match reference {
        // A number that is one of the candidates' task numbers names that task.
        Reference::Bare(n)
            if candidates.iter().any(|t| t.id == n) && n as usize > candidates.len() =>
        {
            Reference::Number(n)
        }
        other => other,
    };
    match resolve::resolve(&reference, candidates, &list_state, Prefer::Any) {
        Resolved::One(task, evidence) if evidence.strength() == Strength::Strong => {
            Some(vec![task])
        }
        _ => None,
    }
}

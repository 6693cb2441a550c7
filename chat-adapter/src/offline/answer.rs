//! Reading a message as the answer to the question the previous reply left open: "yes" or
//! "no" to a confirmation, "the second one" to "which one?", "three" to "one task or three?",
//! or the title asked for. A message that answers nothing is read as a new request instead.

use serde_json::json;

use super::{
    Out, Replay, Step, act, decide_and_act,
    lexicon::{MANY_WORDS, NO_PHRASES, NO_WORDS, ONE_WORDS, YES_PHRASES, YES_WORDS},
    normalize, placeholder, policy, reply,
    resolve::{self, Prefer, Resolved, Strength},
    state::{Choice, Op, Pending, State, Task},
    understand::{self, ChatKind, Cue, Reference, Request},
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum YesNo {
    Yes,
    No,
}

/// What a message did to the open question.
pub(super) enum Answered {
    /// It answered nothing: read it as a new request.
    No,
    /// It answered; `rest` is a request that followed a "no" ("no, delete the other one").
    Yes { rest: Option<String> },
}

/// "yes", "sure, go ahead", "no", "never mind": the answer, and how many words it took.
fn yes_no(message: &str) -> Option<(YesNo, usize)> {
    let words = normalize::words(message);
    let first = words.first()?.as_str();
    let text = words.join(" ");
    let phrase = |phrases: &[&str]| {
        phrases
            .iter()
            .find(|p| text == **p || text.starts_with(&format!("{p} ")))
            .map(|p| p.split_whitespace().count())
    };
    if let Some(n) = phrase(NO_PHRASES) {
        return Some((YesNo::No, n));
    }
    if NO_WORDS.contains(&first) {
        return Some((YesNo::No, 1));
    }
    if let Some(n) = phrase(YES_PHRASES) {
        return Some((YesNo::Yes, n));
    }
    YES_WORDS.contains(&first).then_some((YesNo::Yes, 1))
}

/// The message after its first `n` words, if anything of substance follows.
fn after(message: &str, n: usize) -> Option<String> {
    let rest: Vec<&str> = message.split_whitespace().skip(n).collect();
    let rest = rest
        .join(" ")
        .trim_start_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_owned();
    let substantive = understand::parse(&rest)
        .iter()
        .any(|r| !matches!(r, Request::Chat(_)));
    (!rest.is_empty() && substantive).then_some(rest)
}

/// Reads `message` as the answer to the open question.
pub(super) fn answer(
    pending: &Pending,
    message: &str,
    replay: &mut Replay,
    out: &mut Out,
) -> Step<Answered> {
    let answer = yes_no(message);
    let reply = answer.map(|(yn, _)| yn);
    // Only a "no" carries a request of its own ("no, delete the other one"); after a "yes"
    // the rest repeats what was confirmed ("yes, delete it").
    let rest = answer
        .filter(|(yn, _)| *yn == YesNo::No)
        .and_then(|(_, n)| after(message, n));
    let answered = Ok(Answered::Yes { rest: rest.clone() });
    match pending {
        Pending::Confirm { ops } => match reply {
            Some(YesNo::Yes) => {
                // The tasks' current state (for undo) matters only for calls on existing ones.
                let tasks = if ops.iter().any(|op| op.task_id().is_some()) {
                    replay.tasks()?
                } else {
                    Vec::new()
                };
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
                answered
            }
            Some(YesNo::No) => {
                out.say(reply::nothing_changed());
                answered
            }
            None => Ok(Answered::No),
        },
        Pending::Choose { action, candidates } => {
            if reply == Some(YesNo::No) || is_dismissal(message) {
                out.say(reply::nothing_changed());
                return answered;
            }
            let tasks = replay.tasks()?;
            let candidates: Vec<Task> = candidates
                .iter()
                .filter_map(|id| tasks.iter().find(|t| t.id == *id).cloned())
                .collect();
            let Some(chosen) = chosen(message, &candidates) else {
                return Ok(Answered::No);
            };
            match action {
                Choice::Status { pending } => {
                    for task in &chosen {
                        out.say(reply::status(task, true, *pending));
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
            Ok(Answered::Yes { rest: None })
        }
        Pending::Split { whole, parts } => {
            if reply == Some(YesNo::No) || is_dismissal(message) {
                out.say(reply::nothing_changed());
                return answered;
            }
            let words = normalize::words(message);
            let text = words.join(" ");
            let count = parts.len().to_string();
            let one = ONE_WORDS
                .iter()
                .any(|w| text == *w || text.starts_with(&format!("{w} ")))
                || text.contains("one task")
                || text.contains("single");
            let many = words
                .iter()
                .any(|w| MANY_WORDS.contains(&w.as_str()) || *w == count)
                || text.contains("separate");
            let titles: Vec<String> = if one && !many {
                vec![whole.clone()]
            } else if many && !one {
                parts.clone()
            } else {
                return Ok(Answered::No);
            };
            let ops: Vec<Op> = titles
                .iter()
                .map(|t| Op::new("add_task", json!({ "title": t })))
                .collect();
            let pairs: Vec<(Op, Task)> =
                ops.iter().map(|op| (op.clone(), placeholder(op))).collect();
            act(&pairs, replay, out)?;
            Ok(Answered::Yes { rest: None })
        }
        Pending::Title => {
            let requests = understand::parse(message);
            let is_title = matches!(
                requests.as_slice(),
                [Request::Chat(ChatKind::OffTopic)] | [Request::Unclear { .. }]
            );
            if !is_title {
                return Ok(Answered::No);
            }
            let title = understand::clean_title(message);
            let op = Op::new("add_task", json!({ "title": title }));
            act(&[(op.clone(), placeholder(&op))], replay, out)?;
            Ok(Answered::Yes { rest: None })
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

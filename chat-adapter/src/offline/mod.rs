//! The built-in offline model: no network, no weights, microseconds a step. It reads the same
//! messages and tool definitions as a hosted model, asks for tool calls, reads their results
//! and writes the reply. `specs/offline-model.md` is its specification.
//!
//! A message goes through five stages, one module each: [`normalize`] → [`understand`] (typed
//! requests with their references) → [`resolve`] (which task, with what evidence) →
//! [`policy`] (act, confirm, ask which, or say it is missing) → [`reply`] (the words). What the
//! conversation remembers lives in the database as the memo of each reply ([`state`]).
//!
//! Each step replays the whole message against this turn's tool results so far (a tool call
//! is made once; its result is read back on the next step), so the model keeps nothing in
//! memory between steps or requests.

mod answer;
mod lexicon;
mod matching;
mod normalize;
mod policy;
mod reply;
mod resolve;
mod state;
#[cfg(test)]
mod tests;
mod understand;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use self::{
    policy::Decision,
    resolve::{Prefer, Resolved, Strength},
    state::{Choice, Memo, Op, Pending, State, Task},
    understand::{Action, Add, Asked, Cue, Reference, Request, Target},
};
use crate::model::{ChatMessage, Model, ModelError, ModelTurn, ToolCall, ToolSpec};

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

/// Understanding and deciding for one message against a list of ten tasks, up to the first
/// tool call or the reply: what the benchmark measures. Returns the lines written.
pub fn understand_and_decide(message: &str) -> usize {
    static TASKS: std::sync::LazyLock<Vec<Task>> = std::sync::LazyLock::new(|| {
        [
            "Buy groceries",
            "Call mom",
            "Pay the electricity bill",
            "Prepare meeting notes",
            "Text the accountant",
            "Book a haircut",
            "Water the plants",
            "Renew passport",
            "Clean the garage",
            "Email Sarah about the budget",
        ]
        .iter()
        .zip(1..)
        .map(|(title, id)| Task {
            id,
            title: (*title).to_owned(),
            description: None,
            completed: id % 3 == 0,
        })
        .collect()
    });
    let state = State::default();
    let mut replay = Replay::new(&[]);
    replay.tasks = Some(TASKS.clone());
    respond_to(message, &state, &mut replay).map_or(0, |out| out.lines.len())
}

fn step(messages: &[ChatMessage]) -> ModelTurn {
    let Some(user_at) = messages
        .iter()
        .rposition(|m| matches!(m, ChatMessage::User { .. }))
    else {
        return ModelTurn::reply(reply::HELP);
    };
    let ChatMessage::User { content } = &messages[user_at] else {
        return ModelTurn::reply(reply::HELP);
    };
    let state = State::from_history(&messages[..user_at]);
    let done = state::tool_results(&messages[user_at + 1..]);
    let mut replay = Replay::new(&done);
    match respond_to(content, &state, &mut replay) {
        Ok(out) => ModelTurn::Reply {
            text: out.lines.join("\n"),
            memo: out.memo.to_value(),
        },
        Err(Halt::Need) => ModelTurn::ToolCalls(replay.wanted),
        Err(Halt::Failed(error)) => ModelTurn::reply(reply::failure(&error)),
    }
}

/// Why a step stops before its reply.
enum Halt {
    /// Tool calls must run first.
    Need,
    /// A tool the step depends on failed (e.g. listing the tasks).
    Failed(String),
}

type Step<T> = Result<T, Halt>;

/// This turn's tool calls, replayed: a call whose result is known returns it; the first one
/// that is not becomes the step's request.
struct Replay<'a> {
    done: &'a [(String, Value)],
    next: usize,
    wanted: Vec<ToolCall>,
    tasks: Option<Vec<Task>>,
}

impl<'a> Replay<'a> {
    fn new(done: &'a [(String, Value)]) -> Self {
        Self {
            done,
            next: 0,
            wanted: Vec::new(),
            tasks: None,
        }
    }

    /// Runs `ops` (independent of each other) and returns their results in order.
    fn run(&mut self, ops: &[Op]) -> Step<Vec<Value>> {
        let available = (self.done.len() - self.next).min(ops.len());
        let results: Vec<Value> = self.done[self.next..self.next + available]
            .iter()
            .map(|(_, r)| r.clone())
            .collect();
        self.next += available;
        if available < ops.len() {
            self.wanted = ops[available..]
                .iter()
                .enumerate()
                .map(|(i, op)| ToolCall {
                    id: format!("offline_{}_{}", self.done.len(), i),
                    name: op.tool.clone(),
                    arguments: op.args.clone(),
                })
                .collect();
            return Err(Halt::Need);
        }
        for (op, result) in ops.iter().zip(&results) {
            self.apply(op, result);
        }
        Ok(results)
    }

    /// The user's tasks, listed once a turn and kept up to date with this turn's changes.
    fn tasks(&mut self) -> Step<Vec<Task>> {
        if let Some(tasks) = &self.tasks {
            return Ok(tasks.clone());
        }
        let result = self
            .run(&[Op::new(
                "list_tasks",
                json!({ "status": "all", "limit": 500 }),
            )])?
            .pop()
            .unwrap_or_default();
        if let Some(error) = result["error"].as_str() {
            return Err(Halt::Failed(error.to_owned()));
        }
        let tasks = Task::list(&result).unwrap_or_default();
        self.tasks = Some(tasks.clone());
        Ok(tasks)
    }

    fn apply(&mut self, op: &Op, result: &Value) {
        let Some(tasks) = self.tasks.as_mut() else {
            return;
        };
        if result.get("error").is_some() {
            return;
        }
        let task = Task::from_value(&result["task"]);
        match (op.tool.as_str(), task) {
            ("add_task", Some(task)) => tasks.push(task),
            ("delete_task", _) => {
                let id = result["task_id"].as_i64();
                tasks.retain(|t| Some(t.id) != id);
            }
            (_, Some(task)) => {
                if let Some(slot) = tasks.iter_mut().find(|t| t.id == task.id) {
                    *slot = task;
                }
            }
            _ => {}
        }
    }
}

/// The reply being written: its lines and its memo.
#[derive(Default)]
struct Out {
    lines: Vec<String>,
    memo: Memo,
}

impl Out {
    fn say(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn ask(&mut self, line: impl Into<String>, pending: Pending) {
        self.lines.push(line.into());
        self.memo.pending = Some(pending);
    }
}

/// Whether later requests of the message may go on.
enum Flow {
    Go,
    /// A question was asked: the rest waits for its answer.
    Wait,
}

fn respond_to(message: &str, state: &State, replay: &mut Replay) -> Step<Out> {
    let mut out = Out::default();
    let mut message = message.to_owned();
    if let Some(pending) = &state.pending {
        match answer::answer(pending, &message, replay, &mut out)? {
            answer::Answered::No => {}
            answer::Answered::Yes { rest: None } => return Ok(out),
            // "no, delete the other one": the answer, then a request of its own.
            answer::Answered::Yes { rest: Some(rest) } => message = rest,
        }
    }
    for request in understand::parse(&message) {
        if let Flow::Wait = handle(&request, state, replay, &mut out)? {
            break;
        }
    }
    if out.lines.is_empty() {
        out.say(reply::unclear(None));
    }
    Ok(out)
}

/// A task stand-in for a call whose task is not on the list (an add, or a task gone since).
fn placeholder(op: &Op) -> Task {
    Task {
        id: op.task_id().unwrap_or_default(),
        title: op.args["title"].as_str().unwrap_or("?").to_owned(),
        description: op.args["description"].as_str().map(str::to_owned),
        completed: false,
    }
}

// ---- Requests ------------------------------------------------------------------------------

fn handle(request: &Request, state: &State, replay: &mut Replay, out: &mut Out) -> Step<Flow> {
    match request {
        Request::Chat(kind) => out.say(reply::chat(*kind)),
        Request::Foreign => out.say(reply::foreign()),
        Request::Unclear { verb } => out.say(reply::unclear(verb.as_deref())),
        Request::Add(add) => return add_task(add, replay, out),
        Request::List { filter, .. } => {
            let tasks: Vec<Task> = replay
                .tasks()?
                .into_iter()
                .filter(|t| state::keeps(*filter, t))
                .collect();
            out.say(reply::list(&tasks, *filter));
            out.memo.shown = tasks.iter().map(|t| t.id).collect();
        }
        Request::Change {
            action,
            target,
            cue,
        } => return change(action, target, *cue, state, replay, out),
        Request::Status { target, about } => {
            let tasks = replay.tasks()?;
            match resolve::resolve(target, &tasks, state, Prefer::Any) {
                Resolved::One(task, evidence) => {
                    let sure = evidence.strength() == Strength::Strong;
                    out.say(match about {
                        Asked::Done => reply::status(&task, sure, false),
                        Asked::Pending => reply::status(&task, sure, true),
                        Asked::Advice(verb) => reply::advice(&task, *verb),
                        Asked::Consequence(verb) => reply::consequence(&task, *verb),
                    });
                    out.memo.focus = Some(task.id);
                }
                Resolved::Several(tasks) => {
                    out.ask(
                        reply::choose(&tasks),
                        Pending::Choose {
                            action: Choice::Status {
                                pending: *about == Asked::Pending,
                            },
                            candidates: tasks.iter().map(|t| t.id).collect(),
                        },
                    );
                    out.memo.shown = tasks.iter().map(|t| t.id).collect();
                    return Ok(Flow::Wait);
                }
                other => out.say(reply::missing(&other)),
            }
        }
        Request::NotYet { target } => {
            let resolved = match target {
                Some(r) => resolve::resolve(r, &replay.tasks()?, state, Prefer::Any),
                None => Resolved::NoReferent,
            };
            match resolved {
                Resolved::One(task, evidence) if evidence.strength() == Strength::Strong => {
                    out.say(reply::not_yet(&task));
                    out.memo.focus = Some(task.id);
                }
                _ => out.say(reply::nothing_changed()),
            }
        }
        Request::Keep { target } => {
            match resolve::resolve(target, &replay.tasks()?, state, Prefer::Any) {
                Resolved::One(task, _) => out.say(reply::kept(&task)),
                _ => out.say(reply::nothing_changed()),
            }
        }
        Request::Undo => match &state.undo {
            Some(ops) => {
                let results = replay.run(ops)?;
                for (op, result) in ops.iter().zip(&results) {
                    out.say(format!("Undone: {}", reply::changed(op, result)));
                }
                out.memo.undid = true;
            }
            None => out.say(reply::nothing_to_undo()),
        },
    }
    Ok(Flow::Go)
}

fn add_task(add: &Add, replay: &mut Replay, out: &mut Out) -> Step<Flow> {
    let Some(title) = &add.title else {
        out.ask(reply::ask_title(), Pending::Title);
        return Ok(Flow::Wait);
    };
    if !add.parts.is_empty() {
        out.ask(
            reply::split(title, &add.parts),
            Pending::Split {
                whole: title.clone(),
                parts: add.parts.clone(),
            },
        );
        return Ok(Flow::Wait);
    }
    let mut args = json!({ "title": title });
    if let Some(d) = &add.description {
        args["description"] = json!(d);
    }
    let op = Op::new("add_task", args);
    if !add.explicit {
        out.ask(reply::ask_add(title), Pending::Confirm { ops: vec![op] });
        return Ok(Flow::Wait);
    }
    act(&[(op.clone(), placeholder(&op))], replay, out)?;
    Ok(Flow::Go)
}

fn change(
    action: &Action,
    target: &Target,
    cue: Cue,
    state: &State,
    replay: &mut Replay,
    out: &mut Out,
) -> Step<Flow> {
    let tasks = replay.tasks()?;
    let prefer = match action {
        Action::Complete => Prefer::Open,
        Action::Reopen => Prefer::Done,
        _ => Prefer::Any,
    };
    let decision = match target {
        Target::One(reference) => {
            if let Reference::Phrase(p) = reference
                && matching::stems(&p.text).is_empty()
                && !p.quoted
            {
                out.say(reply::missing(&Resolved::NoReferent));
                return Ok(Flow::Go);
            }
            let resolved = resolve::resolve(reference, &tasks, state, prefer);
            match (&resolved, reference) {
                // "delete the milk and the eggs": two tasks, when the whole names none.
                (Resolved::Missing(_), Reference::Phrase(p)) if p.text.contains(" and ") => {
                    match pair(p, &tasks, state, prefer) {
                        Some(targets) => policy::decide_many(action, targets, cue, false),
                        None => policy::decide_one(action, resolved, cue),
                    }
                }
                _ => policy::decide_one(action, resolved, cue),
            }
        }
        Target::Many(references) => {
            let mut targets = Vec::new();
            for reference in references {
                match resolve::resolve(reference, &tasks, state, prefer) {
                    Resolved::One(task, evidence) => {
                        if !targets
                            .iter()
                            .any(|(t, _): &(Task, Strength)| t.id == task.id)
                        {
                            targets.push((task, evidence.strength()));
                        }
                    }
                    other => {
                        out.say(reply::missing(&other));
                        return Ok(Flow::Go);
                    }
                }
            }
            policy::decide_many(action, targets, cue, false)
        }
        Target::All(filter) => {
            let targets: Vec<(Task, Strength)> = tasks
                .into_iter()
                .filter(|t| state::keeps(*filter, t))
                .map(|t| (t, Strength::Strong))
                .collect();
            policy::decide_many(action, targets, cue, true)
        }
    };
    decide_and_act(action, decision, replay, out)
}

/// "the milk and the eggs": each half names exactly one task, strongly.
fn pair(
    phrase: &understand::Phrase,
    tasks: &[Task],
    state: &State,
    prefer: Prefer,
) -> Option<Vec<(Task, Strength)>> {
    let (a, b) = phrase.text.split_once(" and ")?;
    let mut out = Vec::new();
    for half in [a, b] {
        match resolve::resolve(&understand::reference(half), tasks, state, prefer) {
            Resolved::One(task, evidence) if evidence.strength() == Strength::Strong => {
                out.push((task, Strength::Strong));
            }
            _ => return None,
        }
    }
    (out[0].0.id != out[1].0.id).then_some(out)
}

fn decide_and_act(
    action: &Action,
    decision: Decision,
    replay: &mut Replay,
    out: &mut Out,
) -> Step<Flow> {
    match decision {
        Decision::Act(ops) => act(&ops, replay, out)?,
        Decision::Confirm(ops) => {
            out.memo.focus = ops.last().map(|(_, t)| t.id);
            out.ask(
                reply::confirm(&ops),
                Pending::Confirm {
                    ops: ops.into_iter().map(|(op, _)| op).collect(),
                },
            );
            return Ok(Flow::Wait);
        }
        Decision::Choose(tasks) => {
            out.memo.shown = tasks.iter().map(|t| t.id).collect();
            out.ask(
                reply::choose(&tasks),
                Pending::Choose {
                    action: Choice::Change {
                        action: action.clone(),
                    },
                    candidates: tasks.iter().map(|t| t.id).collect(),
                },
            );
            return Ok(Flow::Wait);
        }
        Decision::Already(task) => {
            out.say(reply::already(&task));
            out.memo.focus = Some(task.id);
        }
        Decision::Missing(resolved) => out.say(reply::missing(&resolved)),
        Decision::Nothing => out.say(reply::nothing_to_change(match action {
            Action::Complete => "complete",
            Action::Delete => "delete",
            Action::Reopen => "reopen",
            Action::Update { .. } => "change",
        })),
    }
    Ok(Flow::Go)
}

/// Runs changes, words their results, and notes how to undo them.
fn act(ops: &[(Op, Task)], replay: &mut Replay, out: &mut Out) -> Step<()> {
    let calls: Vec<Op> = ops.iter().map(|(op, _)| op.clone()).collect();
    let results = replay.run(&calls)?;
    let mut undo = Vec::new();
    for ((op, before), result) in ops.iter().zip(&results) {
        out.say(reply::changed(op, result));
        if result.get("error").is_some() {
            continue;
        }
        let id = result["task_id"].as_i64();
        out.memo.focus = id;
        if op.tool == "add_task" {
            out.memo.added = id;
        }
        if let Some(inverse) = inverse(op, before, result) {
            undo.push(inverse);
        }
    }
    undo.reverse();
    undo.extend(std::mem::take(&mut out.memo.undo));
    out.memo.undo = undo;
    Ok(())
}

/// The call that takes back one change.
fn inverse(op: &Op, before: &Task, result: &Value) -> Option<Op> {
    let id = result["task_id"].as_i64()?;
    match op.tool.as_str() {
        "add_task" => Some(Op::new("delete_task", json!({ "task_id": id }))),
        "complete_task" if !before.completed => Some(Op::new(
            "update_task",
            json!({ "task_id": id, "completed": false }),
        )),
        "delete_task" => {
            let mut args = json!({ "title": before.title });
            if let Some(d) = &before.description {
                args["description"] = json!(d);
            }
            Some(Op::new("add_task", args))
        }
        "update_task" => {
            let mut args = json!({ "task_id": id });
            if op.args.get("title").is_some() {
                args["title"] = json!(before.title);
            }
            if op.args.get("description").is_some() {
                args["description"] = json!(before.description.clone().unwrap_or_default());
            }
            if op.args.get("completed").is_some() {
                args["completed"] = json!(before.completed);
            }
            Some(Op::new("update_task", args))
        }
        _ => None,
    }
}

//! The fourth stage: what to do about a change, given how sure the model is which tasks it
//! means. This is the policy table of `specs/offline-model.md`, and the only place that
//! decides whether data changes. It sees evidence, never phrasing.

use super::{
    resolve::{Resolved, Strength},
    state::{Op, Task},
    understand::{Action, Cue},
};

#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Run these calls now.
    Act(Vec<(Op, Task)>),
    /// Ask yes/no first; the calls run on "yes".
    Confirm(Vec<(Op, Task)>),
    /// Ask which one; nothing runs until answered.
    Choose(Vec<Task>),
    /// The task is already in the asked-for state ("Marked done" twice): nothing to run.
    Already(Task),
    /// Nothing to act on.
    Missing(Resolved),
    /// Some of several targets act, some are already done: said as such.
    Nothing,
}

/// One target, resolved.
pub fn decide_one(action: &Action, resolved: Resolved, cue: Cue) -> Decision {
    match resolved {
        Resolved::One(task, evidence) => {
            if already(action, &task) {
                return Decision::Already(task);
            }
            let op = (Op::of(action, &task), task);
            if evidence.strength() == Strength::Strong && cue == Cue::Direct {
                Decision::Act(vec![op])
            } else {
                Decision::Confirm(vec![op])
            }
        }
        Resolved::Several(tasks) => Decision::Choose(tasks),
        other => Decision::Missing(other),
    }
}

/// Several targets ("complete 2 and 3", "clear the completed tasks"): each must resolve on
/// its own. Deleting more than one task, or deleting "all" of a kind however many that is,
/// is always confirmed.
pub fn decide_many(
    action: &Action,
    targets: Vec<(Task, Strength)>,
    cue: Cue,
    all: bool,
) -> Decision {
    let todo: Vec<(Task, Strength)> = targets
        .into_iter()
        .filter(|(t, _)| !already(action, t))
        .collect();
    if todo.is_empty() {
        return Decision::Nothing;
    }
    let weak = todo.iter().any(|(_, s)| *s == Strength::Weak);
    let ops: Vec<(Op, Task)> = todo
        .into_iter()
        .map(|(t, _)| (Op::of(action, &t), t))
        .collect();
    let confirm = weak
        || cue == Cue::Indirect
        || (matches!(action, Action::Delete) && (ops.len() > 1 || all));
    if confirm {
        Decision::Confirm(ops)
    } else {
        Decision::Act(ops)
    }
}

/// Completing a completed task, or reopening an open one, changes nothing.
fn already(action: &Action, task: &Task) -> bool {
    match action {
        Action::Complete => task.completed,
        Action::Reopen => !task.completed,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::{matching::Fit, resolve::Evidence};

    fn task(id: i64, completed: bool) -> Task {
        Task {
            id,
            title: format!("T{id}"),
            description: None,
            completed,
        }
    }

    #[test]
    fn the_policy_table() {
        let strong = |id| Resolved::One(task(id, false), Evidence::Title(Fit::Full));
        let weak = |id| Resolved::One(task(id, false), Evidence::Title(Fit::Partial));
        for action in [
            Action::Complete,
            Action::Delete,
            Action::Update {
                title: Some("x".into()),
                description: None,
            },
        ] {
            assert!(matches!(
                decide_one(&action, strong(1), Cue::Direct),
                Decision::Act(_)
            ));
            assert!(matches!(
                decide_one(&action, strong(1), Cue::Indirect),
                Decision::Confirm(_)
            ));
            assert!(matches!(
                decide_one(&action, weak(1), Cue::Direct),
                Decision::Confirm(_)
            ));
            assert!(matches!(
                decide_one(
                    &action,
                    Resolved::Several(vec![task(1, false), task(2, false)]),
                    Cue::Direct
                ),
                Decision::Choose(_)
            ));
            assert!(matches!(
                decide_one(&action, Resolved::Missing("x".into()), Cue::Direct),
                Decision::Missing(_)
            ));
        }
        assert!(matches!(
            decide_one(
                &Action::Complete,
                Resolved::One(task(1, true), Evidence::Number),
                Cue::Direct
            ),
            Decision::Already(_)
        ));
        assert!(matches!(
            decide_one(
                &Action::Reopen,
                Resolved::One(task(1, false), Evidence::Number),
                Cue::Direct
            ),
            Decision::Already(_)
        ));
        let two = vec![
            (task(1, false), Strength::Strong),
            (task(2, false), Strength::Strong),
        ];
        assert!(
            matches!(decide_many(&Action::Delete, two.clone(), Cue::Direct, false), Decision::Confirm(ops) if ops.len() == 2)
        );
        assert!(
            matches!(decide_many(&Action::Complete, two, Cue::Direct, true), Decision::Act(ops) if ops.len() == 2)
        );
        let one = vec![(task(1, false), Strength::Strong)];
        assert!(matches!(
            decide_many(&Action::Delete, one.clone(), Cue::Direct, false),
            Decision::Act(_)
        ));
        assert!(matches!(
            decide_many(&Action::Delete, one, Cue::Direct, true),
            Decision::Confirm(_)
        ));
    }
}

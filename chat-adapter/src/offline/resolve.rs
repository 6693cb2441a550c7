//! The third stage: which task a reference names, and how sure that is. Every answer carries
//! its [`Evidence`]; the policy, not this module, decides what a given strength allows.

use super::{
    matching::{Fit, Wanted},
    state::{State, Task},
    understand::{Phrase, Position, Reference},
};

/// Why a task was taken to be the one meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// "task 3", "#3".
    Number,
    /// A line of the list just shown.
    Position,
    /// A line of the whole list, when no list was shown: the user may see another order.
    UnshownPosition,
    /// "it", "that one", naming the task of the previous reply.
    Pronoun,
    /// "it" naming a task talked about before the previous reply.
    OldPronoun,
    /// "the one I just added".
    LastAdded,
    /// Words of a title.
    Title(Fit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    Strong,
    Weak,
}

impl Evidence {
    /// The evidence table of `specs/offline-model.md`.
    pub fn strength(self) -> Strength {
        match self {
            Self::Number
            | Self::Position
            | Self::Pronoun
            | Self::LastAdded
            | Self::Title(Fit::Exact | Fit::Covered | Fit::Full | Fit::Typo) => Strength::Strong,
            Self::UnshownPosition | Self::OldPronoun | Self::Title(Fit::Partial) => Strength::Weak,
        }
    }
}

/// What a reference came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    One(Task, Evidence),
    /// Several tasks fit equally well.
    Several(Vec<Task>),
    /// Nothing fits; the words say what was looked for ("task 12", "'piano lesson'").
    Missing(String),
    /// "the fifth one" on a list of three.
    NoSuchLine {
        n: usize,
        len: usize,
    },
    /// "it" with nothing talked about yet.
    NoReferent,
}

/// Which state a task should be in to be the one meant: completing looks among open tasks
/// first, reopening among done ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefer {
    Any,
    Open,
    Done,
}

pub fn resolve(reference: &Reference, tasks: &[Task], state: &State, prefer: Prefer) -> Resolved {
    let by_id = |id: i64, evidence: Evidence| {
        tasks.iter().find(|t| t.id == id).map_or_else(
            || Resolved::Missing(format!("task {id}")),
            |t| Resolved::One(t.clone(), evidence),
        )
    };
    match reference {
        Reference::Number(n) => by_id(*n, Evidence::Number),
        Reference::Bare(n) if state.list_just_shown => match usize::try_from(*n) {
            Ok(n) => line(Position::Nth(n), tasks, state),
            Err(_) => Resolved::Missing(format!("task {n}")),
        },
        Reference::Bare(n) => by_id(*n, Evidence::Number),
        Reference::Position(position) => line(*position, tasks, state),
        Reference::Pronoun => match state.focus {
            Some(id) if state.focus_recent => by_id(id, Evidence::Pronoun),
            Some(id) => by_id(id, Evidence::OldPronoun),
            None => Resolved::NoReferent,
        },
        Reference::LastAdded => state
            .added
            .map_or(Resolved::NoReferent, |id| by_id(id, Evidence::LastAdded)),
        Reference::Phrase(phrase) => by_title(phrase, tasks, prefer),
    }
}

/// A line of the list last shown, or of the whole list when none was shown.
fn line(position: Position, tasks: &[Task], state: &State) -> Resolved {
    let (ids, evidence): (Vec<i64>, Evidence) = if state.shown.is_empty() {
        (
            tasks.iter().map(|t| t.id).collect(),
            Evidence::UnshownPosition,
        )
    } else {
        (state.shown.clone(), Evidence::Position)
    };
    let index = match position {
        Position::Nth(n) if n >= 1 && n <= ids.len() => n - 1,
        Position::Last if !ids.is_empty() => ids.len() - 1,
        Position::Nth(n) => return Resolved::NoSuchLine { n, len: ids.len() },
        Position::Last => return Resolved::NoSuchLine { n: 1, len: 0 },
    };
    let id = ids[index];
    tasks.iter().find(|t| t.id == id).map_or_else(
        || Resolved::Missing(format!("task {id}")),
        |t| Resolved::One(t.clone(), evidence),
    )
}

/// The task whose title the words name best; ties are a question, never a pick.
fn by_title(phrase: &Phrase, tasks: &[Task], prefer: Prefer) -> Resolved {
    let wanted = Wanted::new(&phrase.text, phrase.verb.as_deref(), phrase.quoted);
    let fits: Vec<((Fit, usize), &Task)> = tasks
        .iter()
        .filter_map(|t| wanted.fit_score(&t.title).map(|f| (f, t)))
        .collect();
    let Some(best) = fits.iter().map(|(f, _)| *f).max() else {
        return Resolved::Missing(format!("'{}'", describe(&phrase.text)));
    };
    // Ranked by how well, then by how many words: "Call mom" (covered) beats "Call mom about
    // the trip" (full) for "I called mom".
    let mut best_tasks: Vec<&Task> = fits
        .iter()
        .filter(|(f, _)| *f == best)
        .map(|(_, t)| *t)
        .collect();
    if best_tasks.len() > 1 {
        let preferred: Vec<&Task> = best_tasks
            .iter()
            .copied()
            .filter(|t| match prefer {
                Prefer::Any => true,
                Prefer::Open => !t.completed,
                Prefer::Done => t.completed,
            })
            .collect();
        if !preferred.is_empty() {
            best_tasks = preferred;
        }
    }
    match best_tasks.as_slice() {
        [one] => Resolved::One((*one).clone(), Evidence::Title(best.0)),
        many => Resolved::Several(many.iter().map(|t| (*t).clone()).collect()),
    }
}

/// The phrase as the user would recognise it, without "the ... task".
pub fn describe(phrase: &str) -> String {
    let words: Vec<&str> = phrase
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "the" | "task" | "my" | "todo" | "item" | "one" | "reminder" | "a" | "an"
            )
        })
        .collect();
    if words.is_empty() {
        phrase.to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: i64, title: &str, completed: bool) -> Task {
        Task {
            id,
            title: title.into(),
            description: None,
            completed,
        }
    }

    fn phrase(text: &str, verb: Option<&str>) -> Reference {
        Reference::Phrase(Phrase {
            text: text.into(),
            quoted: false,
            verb: verb.map(str::to_owned),
        })
    }

    #[test]
    fn a_covered_title_beats_a_longer_one_and_ties_are_several() {
        let tasks = [
            task(1, "Call mom", false),
            task(2, "Call mom about the trip", false),
        ];
        let state = State::default();
        assert!(matches!(
            resolve(&phrase("called mom", Some("called")), &tasks, &state, Prefer::Open),
            Resolved::One(t, Evidence::Title(Fit::Covered)) if t.id == 1
        ));
        let tasks = [task(1, "Buy milk", false), task(2, "Buy oat milk", false)];
        assert!(matches!(
            resolve(&phrase("the milk task", None), &tasks, &state, Prefer::Any),
            Resolved::Several(ts) if ts.len() == 2
        ));
    }

    #[test]
    fn positions_use_the_list_shown_and_bare_numbers_only_right_after_it() {
        let tasks = [
            task(4, "A", false),
            task(7, "B", false),
            task(9, "C", false),
        ];
        let mut state = State {
            shown: vec![9, 4],
            list_just_shown: true,
            ..State::default()
        };
        assert!(
            matches!(resolve(&Reference::Bare(2), &tasks, &state, Prefer::Any), Resolved::One(t, Evidence::Position) if t.id == 4)
        );
        state.list_just_shown = false;
        assert!(matches!(
            resolve(&Reference::Bare(2), &tasks, &state, Prefer::Any),
            Resolved::Missing(_)
        ));
        assert!(
            matches!(resolve(&Reference::Bare(7), &tasks, &state, Prefer::Any), Resolved::One(t, Evidence::Number) if t.id == 7)
        );
        assert!(matches!(
            resolve(
                &Reference::Position(Position::Nth(3)),
                &tasks,
                &state,
                Prefer::Any
            ),
            Resolved::NoSuchLine { n: 3, len: 2 }
        ));
        let unshown = State::default();
        let r = resolve(
            &Reference::Position(Position::Last),
            &tasks,
            &unshown,
            Prefer::Any,
        );
        assert!(matches!(r, Resolved::One(t, Evidence::UnshownPosition) if t.id == 9));
        assert_eq!(Evidence::UnshownPosition.strength(), Strength::Weak);
    }
}

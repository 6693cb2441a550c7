//! The first stage: one message made regular. Filler and politeness are dropped, curly quotes
//! straightened, a misspelt command verb corrected ("delte" → "delete"), and the message's
//! mood read (a question, a polite request). The user's own words and casing are kept, because
//! titles are cut from this text.

use regex::Regex;

/// A message ready for understanding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Utterance {
    /// The message as sent, trimmed, with straight quotes.
    pub raw: String,
    /// Without filler, politeness or a trailing "please"; casing kept.
    pub text: String,
    /// The message asks something: it ends in "?" or starts like a question.
    pub question: bool,
    /// It was addressed as a request ("can you …", "could you …", "please …").
    pub polite: bool,
}

pub(crate) fn re(pattern: &str) -> Regex {
    // Every pattern is a literal in this crate; the unit tests exercise each of them.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

macro_rules! pattern {
    ($name:ident, $re:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| $crate::offline::normalize::re($re));
    };
}
pub(crate) use pattern;

pattern!(
    LEADING_FILLER,
    r"(?i)^(?:(?:ok(?:ay)?|k|so|well|hey|hi|hello|oh|ah|um+|uh+|er+m?|also|and|then|now|actually|alright|all right|right|great|cool|hmm+|oops|whoops|btw|by the way|quick one|quickly|real quick|one more thing|another thing|ps|wait|no wait|sorry|my bad|never ?mind|nvm|nah|nope|ugh|oh no|plus)\b[\s,.!:;-]*|(?:done|finished|all done)[,.!]+\s*)+"
);
pattern!(
    POLITE_PREFIX,
    r"(?i)^(?:(?:can|could|would|will|cud|can't|won't)\s+(?:you|u|ya)(?:\s+(?:please|pls|plz|kindly|just|quickly))*|please|pls|plz|kindly|i(?:'d| would) like (?:you )?to|i want you to|i need you to|you can|go ahead and|help me|let's|lets|let me|i wanna|i want to|i(?:'d| would) like to)\b[\s,]*"
);
pattern!(
    TRAILING_FILLER,
    r"(?i)(?:[\s,]+(?:please|pls|plz|thanks|thank you|thx|ty|for me|now|right now|asap|for me please|ok|okay|real quick|if you can|if you could|would you|will you|could you|thanks a lot|cheers|then|too|as well))*[\s?.!…]*$"
);
pattern!(SUBJECT_CONTRACTION, r"(?i)\b(i|we|you)'(ve|m|re|ll|d)\b");
pattern!(
    EMOJI,
    r"[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{2705}\u{2714}\u{2611}]"
);
pattern!(
    QUESTION_START,
    r"(?i)^(?:did|do|does|is|are|was|were|have|has|had|should|shall|am|would i|could i|can i|may i|must i|will i|what|which|who|whom|whose|when|where|why|how)\b"
);
pattern!(
    POLITE_QUESTION,
    r"(?i)^(?:(?:can|could|would|will|cud)\s+(?:you|u|ya)|please|pls|plz)\b"
);

/// Command verbs a typo is corrected to. Only the first word is corrected, and only to a verb
/// within one edit (two for long words) of it and of no other verb.
const VERBS: &[&str] = &[
    "add", "create", "delete", "remove", "complete", "finish", "mark", "show", "list", "rename",
    "update", "change", "edit", "reopen", "undo", "display", "check", "clear", "erase", "remind",
    "schedule", "insert",
];

/// Everyday words one edit away from a verb above, which must stay what they are.
const REAL_WORDS: &[&str] = &[
    "park", "mask", "bark", "dark", "lark", "mart", "marks", "lost", "last", "lust", "list",
    "mist", "gist", "fist", "shop", "snow", "show", "shot", "slow", "stow", "dad", "mad", "bad",
    "had", "sad", "pad", "ads", "edit", "exit", "emit", "clean", "clear", "cleat", "remind",
    "rewind", "remand", "create", "crate", "update", "chance", "charge", "change", "mark", "undo",
    "unto", "under", "cheek", "check", "chuck", "chock", "finish", "finis", "insert", "invert",
    "delete", "deplete", "remove", "remote", "reopen", "rename", "remade", "remake", "erase",
    "arise", "add", "odd", "aid", "and", "any", "ask", "adds", "list", "lists", "listen", "most",
    "must", "mask", "shows", "shout", "short",
];

/// The message made regular.
pub fn normalize(message: &str) -> Utterance {
    let straight = straighten(message);
    let raw = straight.split_whitespace().collect::<Vec<_>>().join(" ");
    let no_emoji = EMOJI.replace_all(&raw, " ");
    let squeezed = no_emoji.split_whitespace().collect::<Vec<_>>().join(" ");
    let ends_in_question = raw.trim_end().ends_with('?');
    let (text, polite) = strip_filler(&expand_subject(&squeezed));
    let text = correct_last_state(&correct_question_word(&correct_first_verb(&text)));
    let question = !polite && (ends_in_question || QUESTION_START.is_match(&text));
    Utterance {
        raw,
        text,
        question,
        polite,
    }
}

fn straighten(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect()
}

/// "I've", "we're": the subject's contractions spelt out, so statements read alike however
/// they are typed. Only these are expanded; a title's own contractions stay as written.
fn expand_subject(text: &str) -> String {
    SUBJECT_CONTRACTION
        .replace_all(text, |c: &regex::Captures| {
            let verb = match c[2].to_lowercase().as_str() {
                "ve" => "have",
                "m" => "am",
                "re" => "are",
                "ll" => "will",
                _ => "would",
            };
            format!("{} {verb}", &c[1])
        })
        .into_owned()
}

/// Drops filler around the request: "ok so can you please add X for me?" → "add X".
fn strip_filler(text: &str) -> (String, bool) {
    let mut text = text.to_owned();
    let mut polite = false;
    loop {
        let before = text.len();
        text = LEADING_FILLER.replace(&text, "").into_owned();
        if POLITE_QUESTION.is_match(&text) {
            polite = true;
        }
        text = POLITE_PREFIX.replace(&text, "").into_owned();
        text = TRAILING_FILLER.replace(&text, "").into_owned();
        if text.len() == before {
            break;
        }
    }
    (text.trim().to_owned(), polite)
}

fn correct_first_verb(text: &str) -> String {
    let Some((first, rest)) = text
        .split_once(' ')
        .map_or(Some((text, "")), |(a, b)| Some((a, b)))
    else {
        return text.to_owned();
    };
    let lower = first.to_lowercase();
    if lower.chars().count() < 4 || !lower.chars().all(|c| c.is_ascii_alphabetic()) {
        return text.to_owned();
    }
    if REAL_WORDS.contains(&lower.as_str()) || VERBS.contains(&lower.as_str()) {
        return text.to_owned();
    }
    let limit = if lower.len() >= 7 { 2 } else { 1 };
    let close: Vec<&str> = VERBS
        .iter()
        .copied()
        .filter(|v| edit_distance(&lower, v) <= limit)
        .collect();
    match close.as_slice() {
        [verb] if rest.is_empty() => (*verb).to_owned(),
        [verb] => format!("{verb} {rest}"),
        _ => text.to_owned(),
    }
}

/// "wat do I have", "hwo many tasks": a question word mistyped at the start.
fn correct_question_word(text: &str) -> String {
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let fixed = match first.to_lowercase().as_str() {
        "wat" | "waht" | "whta" | "wht" => "what",
        "wats" | "wat's" | "wahts" => "what's",
        "hwo" | "hw" => "how",
        "whihc" | "wich" => "which",
        _ => return text.to_owned(),
    };
    if rest.is_empty() {
        fixed.to_owned()
    } else {
        format!("{fixed} {rest}")
    }
}

/// States a message can end in; a typo of one ("mark insurance as dnoe") is corrected when it
/// is the last word and no everyday word.
const STATES: &[&str] = &["done", "complete", "completed", "finished"];
/// Everyday words one edit away from a state, which stay what they are.
#[rustfmt::skip]
const NOT_STATES: &[&str] = &[
    "bone", "cone", "dome", "dine", "dune", "gone", "hone", "lone", "none", "tone", "zone", "dose",
    "dote", "dove", "doze", "dons", "dong", "drone", "compete", "competed", "completes",
    "finishes", "finisher",
];

fn correct_last_state(text: &str) -> String {
    let (head, last) = text.rsplit_once(' ').unwrap_or(("", text));
    let word = last.trim_end_matches(['?', '!', '.']);
    let lower = word.to_lowercase();
    if head.is_empty()
        || lower.chars().count() < 4
        || !lower.chars().all(|c| c.is_ascii_alphabetic())
        || STATES.contains(&lower.as_str())
        || NOT_STATES.contains(&lower.as_str())
    {
        return text.to_owned();
    }
    // One edit only: two would make "unfinished" "finished" and "incomplete" "complete".
    let near: Vec<&str> = STATES
        .iter()
        .copied()
        .filter(|s| edit_distance(&lower, s) <= 1)
        .collect();
    match near.as_slice() {
        [state] => format!("{head} {state}{}", &last[word.len()..]),
        _ => text.to_owned(),
    }
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring letters each cost one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Words of a text in lower case, letters, digits and apostrophes only.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_and_politeness_go_titles_keep_their_case() {
        for (say, text, polite) in [
            (
                "ok so can you please add Buy milk for me?",
                "add Buy milk",
                true,
            ),
            ("Please delete task 3", "delete task 3", true),
            (
                "hey, could you mark the report done pls",
                "mark the report done",
                true,
            ),
            ("um what's left?", "what's left", false),
            (
                "add “Call the plumber” ✅",
                "add \"Call the plumber\"",
                false,
            ),
        ] {
            let u = normalize(say);
            assert_eq!((u.text.as_str(), u.polite), (text, polite), "{say}");
        }
    }

    #[test]
    fn questions_are_told_from_requests() {
        assert!(normalize("did I call grandma already?").question);
        assert!(normalize("is the report done").question);
        assert!(normalize("should I delete the gym task").question);
        assert!(!normalize("can you delete the gym task?").question);
        assert!(!normalize("delete the gym task").question);
    }

    /// Each message normalises to the text given with it.
    fn normalises_to(pairs: &[(&str, &str)]) {
        for (message, text) in pairs {
            assert_eq!(normalize(message).text, *text, "{message:?}");
        }
    }

    #[test]
    fn a_misspelt_command_verb_is_corrected_and_real_words_are_not() {
        normalises_to(&[
            ("delte the milk task", "delete the milk task"),
            ("remvoe task 3", "remove task 3"),
            ("compelte the report", "complete the report"),
            ("shwo my tasks", "show my tasks"),
            ("park the car", "park the car"),
            ("last one", "last one"),
        ]);
        assert_eq!(edit_distance("delte", "delete"), 1);
        assert_eq!(edit_distance("mrak", "mark"), 1);
    }

    #[test]
    fn a_misspelt_question_word_or_closing_state_is_corrected() {
        normalises_to(&[
            ("wat do i have", "what do i have"),
            ("mark the gutters as dnoe", "mark the gutters as done"),
            ("task 3 compelted", "task 3 completed"),
            // Two edits are too many, and everyday words stay.
            ("anything unfinished", "anything unfinished"),
            ("mark it incomplete", "mark it incomplete"),
            ("the battery is gone", "the battery is gone"),
            ("who competed", "who competed"),
        ]);
    }
}

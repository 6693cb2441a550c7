//! Matching what the user said against task titles: word stems, so "I bought the groceries"
//! finds "buy groceries" and "the meeting task" finds "Prepare meeting notes".

use std::collections::BTreeSet;

/// Irregular past forms that people use to say something is done.
const IRREGULAR: &[(&str, &str)] = &[
    ("bought", "buy"),
    ("went", "go"),
    ("gone", "go"),
    ("paid", "pay"),
    ("did", "do"),
    ("done", "do"),
    ("sent", "send"),
    ("wrote", "write"),
    ("written", "write"),
    ("made", "make"),
    ("took", "take"),
    ("taken", "take"),
    ("got", "get"),
    ("gotten", "get"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("ran", "run"),
    ("met", "meet"),
    ("fed", "feed"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("sold", "sell"),
    ("told", "tell"),
    ("found", "find"),
    ("gave", "give"),
    ("given", "give"),
    ("left", "leave"),
    ("brought", "bring"),
    ("thought", "think"),
    ("taught", "teach"),
    ("caught", "catch"),
    ("kept", "keep"),
    ("slept", "sleep"),
    ("spent", "spend"),
    ("built", "build"),
    ("sat", "sit"),
    ("swept", "sweep"),
    ("hung", "hang"),
    ("lent", "lend"),
    ("read", "read"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("rang", "ring"),
    ("rung", "ring"),
    ("sang", "sing"),
    ("began", "begin"),
    ("begun", "begin"),
    ("drew", "draw"),
    ("drawn", "draw"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("wore", "wear"),
    ("froze", "freeze"),
    ("chose", "choose"),
    ("rode", "ride"),
    ("flew", "fly"),
    ("grew", "grow"),
    ("knew", "know"),
    ("saw", "see"),
    ("seen", "see"),
    ("won", "win"),
    ("lost", "lose"),
    ("shot", "shoot"),
    ("fought", "fight"),
    ("sought", "seek"),
    ("dug", "dig"),
    ("hid", "hide"),
    ("put", "put"),
    ("set", "set"),
    ("cut", "cut"),
    ("shut", "shut"),
    ("fixed", "fix"),
    ("mowed", "mow"),
    ("had", "have"),
    ("heard", "hear"),
    ("said", "say"),
    ("laid", "lay"),
    ("stood", "stand"),
    ("understood", "understand"),
    ("forgot", "forget"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("led", "lead"),
    ("meant", "mean"),
    ("struck", "strike"),
    ("woke", "wake"),
    ("bit", "bite"),
    ("blew", "blow"),
    ("broke", "break"),
    ("broken", "break"),
];

/// Words that say nothing about which task is meant.
const STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "my",
    "to",
    "for",
    "of",
    "on",
    "in",
    "at",
    "with",
    "and",
    "or",
    "task",
    "tasks",
    "todo",
    "todos",
    "item",
    "items",
    "one",
    "i",
    "me",
    "about",
    "that",
    "this",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "been",
    "be",
    "up",
    "done",
    "complete",
    "completed",
    "finished",
    "just",
    "already",
    "finally",
    "all",
    "it",
    "some",
    "from",
    "list",
    "thing",
    "stuff",
    "our",
    "your",
    "called",
    "named",
    "titled",
    "today",
    "now",
    "yesterday",
    "off",
    "out",
    "very",
    "really",
];

/// Words that end in "ed" without being past tense.
const NOT_PAST: &[&str] = &[
    "need", "feed", "bed", "shed", "red", "seed", "speed", "weed", "bleed", "breed", "heed",
    "proceed", "succeed", "exceed", "embed", "wed",
];

pub fn is_past_tense(verb: &str) -> bool {
    let verb = verb.to_lowercase();
    if NOT_PAST.contains(&verb.as_str()) {
        return false;
    }
    IRREGULAR.iter().any(|(past, _)| *past == verb) || (verb.len() > 3 && verb.ends_with("ed"))
}

/// A crude stem: irregular forms mapped, then common suffixes and a final "e" dropped, so
/// both "prepare" and "prepared", "wash" and "washed", "bill" and "bills" meet.
pub fn stem(word: &str) -> String {
    let word: String = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if let Some((_, base)) = IRREGULAR.iter().find(|(past, _)| *past == word) {
        return trim_e(base);
    }
    let mut stem = word.clone();
    for (suffix, replacement) in [
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ] {
        if stem.len() > suffix.len() + 2
            && let Some(base) = stem.strip_suffix(suffix)
        {
            if suffix == "s" && base.ends_with('s') {
                break;
            }
            stem = format!("{base}{replacement}");
            break;
        }
    }
    // "stopped" -> "stopp" -> "stop"
    let bytes = stem.as_bytes();
    if stem.len() > 3
        && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
        && !matches!(bytes[bytes.len() - 1], b'l' | b's' | b'e' | b'o')
    {
        stem.pop();
    }
    trim_e(&stem)
}

fn trim_e(word: &str) -> String {
    match word.strip_suffix('e') {
        Some(base) if base.len() >= 3 => base.to_owned(),
        _ => word.to_owned(),
    }
}

/// The meaningful stems of a phrase.
pub fn stems(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .filter(|s| !s.is_empty())
        .collect()
}

/// How well `phrase` names `title`: matching stems, or `None` when it does not name it.
/// An exact title beats everything; otherwise enough of the phrase must be in the title.
pub fn score(phrase: &str, title: &str) -> Option<usize> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    if norm(phrase) == norm(title) {
        return Some(usize::MAX);
    }
    let wanted = stems(phrase);
    if wanted.is_empty() {
        return None;
    }
    let have = stems(title);
    let matched = wanted.intersection(&have).count();
    (matched > 0 && (matched * 2 >= wanted.len() || matched >= 2)).then_some(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_tenses_and_plurals() {
        for (a, b) in [
            ("bought", "buy"),
            ("washed", "wash"),
            ("groceries", "grocery"),
            ("prepared", "prepare"),
            ("called", "call"),
            ("paid", "pay"),
            ("bills", "bill"),
            ("meeting", "meet"),
            ("taxes", "tax"),
            ("stopped", "stop"),
            ("emailed", "email"),
            ("watered", "water"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} ~ {b}");
        }
        assert!(is_past_tense("washed") && is_past_tense("bought") && !is_past_tense("need"));
    }

    #[test]
    fn scores_prefer_real_matches() {
        assert!(score("bought the groceries", "buy groceries").is_some());
        assert!(score("the meeting task", "Prepare meeting notes").is_some());
        assert!(score("the tax task", "Prepare tax return").is_some());
        assert!(score("piano lesson", "Call mom").is_none());
        assert!(score("the call task", "Call mom").is_some());
        assert!(score("washed the car", "Pay bills").is_none());
        assert_eq!(score("Pay bills", "pay  bills"), Some(usize::MAX));
    }
}

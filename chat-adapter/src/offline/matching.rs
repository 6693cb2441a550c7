//! Matching what the user said against task titles: word stems, so "I bought the groceries"
//! finds "buy groceries" and "the meeting task" finds "Prepare meeting notes".

use std::collections::BTreeSet;

use super::lexicon::{COMMON_VERBS, GENERIC_VERBS, IRREGULAR, NOT_PAST, STOPWORDS};

pub fn is_past_tense(verb: &str) -> bool {
    let verb = verb.to_lowercase();
    if NOT_PAST.contains(&verb.as_str()) {
        return false;
    }
    IRREGULAR.iter().any(|(past, _)| *past == verb) || (verb.len() > 3 && verb.ends_with("ed"))
}

/// A word that can be the verb of a statement about a task ("call" in "did I call grandma").
pub fn is_verb_like(word: &str) -> bool {
    let word = word.to_lowercase();
    is_past_tense(&word)
        || IRREGULAR.iter().any(|(_, base)| *base == word)
        || COMMON_VERBS.contains(&word.as_str())
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
        .map(|w| w.trim_matches('\'').trim_end_matches("'s").to_lowercase())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .filter(|s| !s.is_empty())
        .collect()
}

/// How a phrase matches a title, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Some of the phrase's words, at least one besides its verb.
    Partial,
    /// Every word of the phrase, one of them through a typo.
    Typo,
    /// Every word of the phrase is in the title.
    Full,
    /// Every word of the phrase, and every word of the title is in the phrase.
    Covered,
    /// The title itself.
    Exact,
}

/// What a user said about a task: its words, and the verb of a statement, kept apart because
/// a verb alone ("I texted my sister" against "Text the accountant") names no task.
pub struct Wanted {
    norm: String,
    words: BTreeSet<String>,
    /// Each stem's word as written, for typos a stem hides ("parkng" is one letter from
    /// "parking", but two from its stem "park").
    written: Vec<(String, String)>,
    verb: Option<String>,
    quoted: bool,
}

impl Wanted {
    pub fn new(text: &str, verb: Option<&str>, quoted: bool) -> Self {
        let verb = verb.map(stem);
        let mut words = stems(text);
        if let Some(v) = &verb
            && words.len() > 1
        {
            words.remove(v);
        }
        let written = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| (stem(w), w.to_lowercase()))
            .collect();
        Self {
            norm: norm(text),
            words,
            written,
            verb,
            quoted,
        }
    }

    /// How this names `title`, with the number of its words found there.
    pub fn fit_score(&self, title: &str) -> Option<(Fit, usize)> {
        let have = stems(title);
        let fit = self.fit_with(title, &have)?;
        Some((fit, self.words.iter().filter(|w| have.contains(*w)).count()))
    }

    /// How this names `title`, or `None` when it does not.
    #[cfg(test)]
    pub fn fit(&self, title: &str) -> Option<Fit> {
        self.fit_with(title, &stems(title))
    }

    /// [`Wanted::fit`] with the title's stems already made.
    fn fit_with(&self, title: &str, have: &BTreeSet<String>) -> Option<Fit> {
        let title_norm = norm(title);
        if self.norm == title_norm {
            return Some(Fit::Exact);
        }
        if self.quoted {
            return (!self.norm.is_empty() && title_norm.contains(&self.norm)).then_some(Fit::Full);
        }

        let only_verb = self
            .verb
            .as_ref()
            .is_some_and(|v| self.words.len() == 1 && self.words.contains(v));
        if self.words.is_empty() {
            return None;
        }
        if only_verb {
            // "I called": the verb alone is a weak hint at most.
            return self
                .words
                .iter()
                .all(|w| have.contains(w))
                .then_some(Fit::Partial);
        }
        let exact = self.words.iter().filter(|w| have.contains(*w)).count();
        let title_words: Vec<String> = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .map(str::to_lowercase)
            .collect();
        let one_off = |a: &str, b: &str| {
            a.len() >= 4 && b.len() >= 4 && super::normalize::edit_distance(a, b) == 1
        };
        let typos = self
            .words
            .iter()
            .filter(|w| {
                !have.contains(*w)
                    && (have.iter().any(|h| one_off(w, h))
                        || self
                            .written
                            .iter()
                            .filter(|(s, _)| s == *w)
                            .any(|(_, raw)| title_words.iter().any(|t| one_off(raw, t))))
            })
            .count();
        // A statement's verb must fit a title that starts with a verb of its own ("I called
        // the dentist" is not "Email the dentist"); a title without one takes any verb.
        let title_verb = title.split_whitespace().next().is_some_and(is_verb_like);
        let verb_agrees = self.verb.as_ref().is_none_or(|v| {
            !title_verb
                || have.contains(v)
                || GENERIC_VERBS.iter().any(|g| {
                    v.starts_with(g) || (v.len() >= 4 && super::normalize::edit_distance(v, g) == 1)
                })
                || have
                    .iter()
                    .any(|h| v.len() >= 4 && super::normalize::edit_distance(v, h) == 1)
        });
        let found = exact + typos;
        let mut said = self.words.clone();
        if let Some(v) = &self.verb {
            said.insert(v.clone());
        }
        // Every word of the title was said: the verb cannot point elsewhere ("I paid the water
        // bill" names "Water bill", though "water" can be a verb).
        let covered = typos == 0 && have.is_subset(&said);
        if found == self.words.len() && (verb_agrees || covered) {
            if typos > 0 {
                return Some(Fit::Typo);
            }
            return Some(if covered { Fit::Covered } else { Fit::Full });
        }
        (found > 0).then_some(Fit::Partial)
    }
}

fn norm(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .to_lowercase()
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
    fn fits_rank_real_matches_and_a_verb_alone_names_nothing() {
        let fit =
            |said: &str, verb: Option<&str>, title: &str| Wanted::new(said, verb, false).fit(title);
        assert_eq!(fit("Pay bills", None, "pay  bills"), Some(Fit::Exact));
        assert_eq!(
            fit("bought the groceries", Some("bought"), "buy groceries"),
            Some(Fit::Covered)
        );
        assert_eq!(
            fit("the meeting task", None, "Prepare meeting notes"),
            Some(Fit::Full)
        );
        assert_eq!(fit("the call task", None, "Call mom"), Some(Fit::Full));
        assert_eq!(
            fit("texted my sister", Some("texted"), "Text the accountant"),
            None
        );
        assert_eq!(
            fit("called the dentist", Some("called"), "Email the dentist"),
            Some(Fit::Partial)
        );
        assert_eq!(
            fit("did the dishes", Some("did"), "Wash the dishes"),
            Some(Fit::Full)
        );
        assert_eq!(fit("the grocries", None, "buy groceries"), Some(Fit::Typo));
        assert_eq!(fit("piano lesson", None, "Call mom"), None);
        assert_eq!(
            fit("electricity bill", None, "Pay bills"),
            Some(Fit::Partial)
        );
        assert_eq!(
            fit("texted", Some("texted"), "Text the accountant"),
            Some(Fit::Partial)
        );
        assert_eq!(
            Wanted::new("Buy bread", None, true).fit("Buy bread rolls"),
            Some(Fit::Full)
        );
    }
}

//! What the user wants, read from one message: everyday phrasing mapped to an [`Intent`].
//! Patterns run on a cleaned copy of the message (politeness and filler removed); titles keep
//! the user's own casing.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    Chat(ChatKind),
    Add {
        title: Option<String>,
        description: Option<String>,
    },
    List {
        filter: Filter,
        count: bool,
    },
    Act {
        action: Action,
        target: Target,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    Greeting,
    Thanks,
    Help,
    OffTopic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Pending,
    Completed,
}

impl Filter {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Pending => "pending",
            Self::Completed => "completed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Complete,
    Delete,
    Update {
        title: Option<String>,
        description: Option<String>,
    },
}

/// How the user named the task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// "task 3", "#3".
    Id(i64),
    /// "the second one", "the last one", "number 2": a position in the list last shown.
    Position(Position),
    /// "it", "that one": the task just touched.
    It,
    /// A title or a distinctive part of it, e.g. "the meeting task", "washed the car".
    Phrase(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Nth(usize),
    Last,
}

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; the unit tests exercise every one of them.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

macro_rules! pattern {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| re($re));
    };
}

pattern!(
    LEADING_FILLER,
    r"(?i)^(?:(?:ok(?:ay)?|so|well|hey|hi|hello|oh|ah|um+|also|and|then|now|actually|alright|right|great|cool|yes|yeah|yep|sure|done|please|pls|just|never ?mind|nevermind|no|nope|wait|oops|hmm+|sorry)\b[\s,.!:;-]*)+"
);
pattern!(
    POLITE_PREFIX,
    r"(?i)^(?:(?:can|could|would|will) you(?: please| kindly)?|please|kindly|i(?:'d| would) like you to|i want you to|help me)\s+"
);
pattern!(
    TRAILING_FILLER,
    r"(?i)[\s,]*(?:please|pls|thanks|thank you|for me|now|right now|asap)?[\s?.!]*$"
);

pattern!(
    GREETING,
    r"(?i)^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening|day)|greetings|what'?s up|sup)(?: there| you| buddy| friend)?$"
);
pattern!(
    THANKS,
    r"(?i)^(?:thanks?(?: you)?(?: so much| a lot)?|thx|ty|cheers|great,? thanks|much appreciated|perfect|awesome|nice|cool|ok(?:ay)?|got it|bye|goodbye|see you)$"
);
pattern!(
    HELP,
    r"(?i)^(?:help|\?|what can you do|what do you do|how does this work|how do (?:i|you) use (?:this|you)|what are you|who are you|commands|what can i (?:say|do|ask)|how can you help(?: me)?)$"
);

pattern!(
    UPDATE_DESCRIPTION,
    r#"(?i)^(?:set|change|update|make|edit)\s+(?:the\s+)?(?:description|details|notes?)\s+(?:of|for|on)\s+(.+?)\s+(?:to|as)\s*:?\s+(.+)$"#
);
pattern!(
    UPDATE_DESCRIPTION_COLON,
    r#"(?i)^(?:update|edit|change)\s+(.+?)\s*[:,]\s*(?:description|details|notes?)\s*:?\s+(.+)$"#
);
pattern!(
    ADD_DESCRIPTION_TO,
    r#"(?i)^add\s+(?:a\s+|the\s+)?(?:description|details|note)\s+(.+?)\s+(?:to|for|on)\s+(task\s*#?\d+|#\d+|it|that(?: one)?|this(?: one)?)$"#
);
pattern!(
    UPDATE_TITLE_OF,
    r"(?i)^(?:change|update|edit|set|rename)\s+(?:the\s+)?(?:title|name)\s+(?:of|for)\s+(.+?)\s+(?:to|as)\s*:?\s+(.+)$"
);
pattern!(
    RENAME,
    r"(?i)^(?:rename|retitle)\s+(.+?)\s+(?:to|as|into)\s*:?\s+(.+)$"
);
pattern!(
    CHANGE_TO,
    r"(?i)^(?:change|update|edit|modify|alter|correct|fix)\s+(.+?)\s+(?:to|into|so it says|so it reads)\s*:?\s+(.+)$"
);

pattern!(
    DELETE,
    r"(?i)^(?:delete|remove|drop|erase|trash|scrap|cancel|discard|get rid of|take off|cross out|forget about|forget)\s+(.+?)(?:\s+(?:from|off)\s+(?:my|the)\s+(?:to-?do\s+)?(?:list|tasks))?$"
);

pattern!(
    MARK_AS,
    r"(?i)^(?:mark|set|flag|tick|check)\s+(.+?)\s+(?:as\s+|to\s+)?(?:done|complete|completed|finished|closed|resolved)$"
);
pattern!(
    COMPLETE_VERB,
    r"(?i)^(?:complete|completed|finish|finished|close|closed|resolve|resolved|checked off|ticked off|crossed off|check off|tick off|cross off|strike|mark off|mark done|mark complete|mark as done|mark as complete)\s+(.+)$"
);
pattern!(
    IS_DONE,
    r"(?i)^(.+?)(?:\s+(?:is|are|was|has been|have been|got)|'s)\s+(?:now\s+|all\s+)?(?:done|complete|completed|finished|sorted|taken care of|handled)$"
);
pattern!(
    DONE_WITH,
    r"(?i)^(?:i(?:'m| am| have| 've)?\s+)?(?:done|finished|through) with\s+(.+)$"
);
pattern!(
    I_FINISHED,
    r"(?i)^i\s+(?:have\s+|'ve\s+|just\s+|already\s+|finally\s+)*(?:finished|completed|done|did)\s+(.+)$"
);
pattern!(
    I_PAST,
    r"(?i)^(?:i\s+(?:have\s+|'ve\s+|just\s+|already\s+|finally\s+)*|just\s+)?([a-z]+)\b\s*(.*)$"
);

pattern!(
    ADD_VERB,
    r"(?i)^(?:add|create|make|new|put|insert|note|note down|jot down|write down|schedule|set up|log|record|capture)(?:\s+(?:a|an|one|another|new|the))*(?:\s+(?:task|todo|to-do|to do|item|reminder|entry|one))?(?:\s*(?:to|called|named|titled|that says|saying|for|:|-)(?:\s|$))?\s*(.*)$"
);
pattern!(
    PUT_ON_LIST,
    r"(?i)^(?:put|add|stick|pop|throw)\s+(.+?)\s+(?:on|to|onto|in)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks|todos?)$"
);
pattern!(
    IMPLICIT_ADD,
    r"(?i)^(?:remind me(?:\s+to)?|don'?t let me forget(?:\s+to)?|do not let me forget(?:\s+to)?|don'?t forget(?:\s+to)?|remember(?:\s+to)?|i\s+(?:really\s+|also\s+|still\s+)?(?:need|have|must|should|ought|gotta|got to|want)(?:\s+to)?(?:\s+remember\s+to)?|i'?ve got to|i'?ll need to|i\s+must|need to|have to|gotta|must|todo:|to-?do:|task:)\s*[:,-]?\s+(.+)$"
);

pattern!(
    WITH_DESCRIPTION,
    r#"(?i)^(.+?)\s*(?:,\s*)?(?:with\s+(?:the\s+|a\s+)?(?:description|details|notes?)|description|details|notes?)\s*[:=-]?\s+(.+)$"#
);
pattern!(
    LIST_SUFFIX,
    r"(?i)\s+(?:to|on|onto|in)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks|todos?)$"
);

pattern!(
    LIST_START,
    r"(?i)^(?:show|list|display|view|see|give|tell|get|read|print|what|what's|whats|which|how many|how much|do i have|is there|are there|anything|any|remind me what|my)\b"
);
pattern!(
    QUESTION_START,
    r"(?i)^(?:what|what's|whats|which|how many|how much|do i have|are there|is there|anything|any|show|list|display|view|give me|tell me)\b"
);
pattern!(
    LIST_WORDS,
    r"(?i)\b(?:tasks?|list|to-?dos?|to do|pending|left|remaining|open|outstanding|completed|complete|done|finished|agenda|plate|need to do|have to do|should i do|items?|things?)\b"
);
pattern!(
    PENDING_WORDS,
    r"(?i)\b(?:pending|left|remaining|open|outstanding|unfinished|incomplete|not (?:yet )?done|to do|todo|need to do|have to do|should i do|still|upcoming|due|undone)\b"
);
pattern!(
    COMPLETED_WORDS,
    r"(?i)\b(?:completed|finished|done|accomplished|checked off|ticked off|closed)\b"
);
pattern!(COUNT_WORDS, r"(?i)\bhow many\b|\bcount\b|\bnumber of\b");

pattern!(
    ID_REF,
    r"(?i)^(?:(?:the\s+)?(?:task|todo|item|id|no\.?|#)\s*(?:number\s*|no\.?\s*|#\s*)?(\d+)|#\s*(\d+)|(\d+))(?:\s+(?:task|one|item))?$"
);
pattern!(NUMBER_REF, r"(?i)^(?:the\s+)?number\s+(\d+)$");
pattern!(
    ORDINAL_REF,
    r"(?i)^(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|6th|7th|8th|9th|10th|last|final|top|bottom)(?:\s+(?:one|task|item|todo|on the list|in the list))?$"
);
pattern!(
    IT_REF,
    r"(?i)^(?:it|that|this|that one|this one|that task|this task|the task|the same one|the one i just added|the last one i added|the one you just added)$"
);

/// Reads one user message.
pub fn parse(message: &str) -> Intent {
    let whole = message
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() && c != '?')
        .trim();
    let text = clean(message);
    for candidate in [whole, text.as_str()] {
        if GREETING.is_match(candidate) {
            return Intent::Chat(ChatKind::Greeting);
        }
        if THANKS.is_match(candidate) {
            return Intent::Chat(ChatKind::Thanks);
        }
        if HELP.is_match(candidate) {
            return Intent::Chat(ChatKind::Help);
        }
    }
    if text.is_empty() {
        return Intent::Chat(ChatKind::Help);
    }
    update(&text)
        .or_else(|| delete(&text))
        .or_else(|| question(&text))
        .or_else(|| complete(&text))
        .or_else(|| explicit_add(&text))
        .or_else(|| list(&text))
        .or_else(|| implicit_add(&text))
        .or_else(|| past_tense_complete(&text))
        .unwrap_or(Intent::Chat(ChatKind::OffTopic))
}

/// Drops filler around the request: "ok so can you please add X for me?" -> "add X".
fn clean(message: &str) -> String {
    let mut text = message.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let before = text.len();
        text = LEADING_FILLER.replace(&text, "").into_owned();
        text = POLITE_PREFIX.replace(&text, "").into_owned();
        text = TRAILING_FILLER.replace(&text, "").into_owned();
        if text.len() == before {
            break;
        }
    }
    text.trim().to_owned()
}

fn update(text: &str) -> Option<Intent> {
    let change = |target: &str, title: Option<&str>, description: Option<&str>| {
        Some(Intent::Act {
            action: Action::Update {
                title: title.map(clean_title),
                description: description.map(unquote),
            },
            target: target_of(target),
        })
    };
    if let Some(c) = UPDATE_DESCRIPTION
        .captures(text)
        .or_else(|| UPDATE_DESCRIPTION_COLON.captures(text))
    {
        return change(&c[1], None, Some(&c[2]));
    }
    if let Some(c) = ADD_DESCRIPTION_TO.captures(text) {
        return change(&c[2], None, Some(&c[1]));
    }
    if let Some(c) = UPDATE_TITLE_OF
        .captures(text)
        .or_else(|| RENAME.captures(text))
        .or_else(|| CHANGE_TO.captures(text))
    {
        return change(&c[1], Some(&c[2]), None);
    }
    None
}

fn delete(text: &str) -> Option<Intent> {
    let c = DELETE.captures(text)?;
    Some(Intent::Act {
        action: Action::Delete,
        target: target_of(&c[1]),
    })
}

fn complete(text: &str) -> Option<Intent> {
    let c = MARK_AS
        .captures(text)
        .or_else(|| COMPLETE_VERB.captures(text))
        .or_else(|| DONE_WITH.captures(text))
        .or_else(|| I_FINISHED.captures(text))
        .or_else(|| IS_DONE.captures(text))?;
    Some(Intent::Act {
        action: Action::Complete,
        target: target_of(&c[1]),
    })
}

fn explicit_add(text: &str) -> Option<Intent> {
    if let Some(c) = PUT_ON_LIST.captures(text) {
        return Some(with_description(&c[1]));
    }
    let c = ADD_VERB.captures(text)?;
    Some(with_description(&c[1]))
}

fn implicit_add(text: &str) -> Option<Intent> {
    let c = IMPLICIT_ADD.captures(text)?;
    // "I want to add a new todo", "I need to add milk": the rest is itself a request.
    explicit_add(&c[1]).or_else(|| Some(with_description(&c[1])))
}

fn with_description(rest: &str) -> Intent {
    let rest = LIST_SUFFIX.replace(rest.trim(), "");
    let (title, description) = match WITH_DESCRIPTION.captures(&rest) {
        Some(c) => (c[1].to_owned(), Some(unquote(&c[2]))),
        None => (rest.into_owned(), None),
    };
    let title = clean_title(&title);
    Intent::Add {
        title: (!title.is_empty()).then_some(title),
        description,
    }
}

/// A question about the list ("which tasks are done?") before anything that could read it as
/// a statement about one task.
fn question(text: &str) -> Option<Intent> {
    QUESTION_START.is_match(text).then(|| list(text)).flatten()
}

fn list(text: &str) -> Option<Intent> {
    if !(LIST_START.is_match(text) && LIST_WORDS.is_match(text)) {
        return None;
    }
    let filter = if COMPLETED_WORDS.is_match(text) && !PENDING_WORDS.is_match(text) {
        Filter::Completed
    } else if PENDING_WORDS.is_match(text) {
        Filter::Pending
    } else {
        Filter::All
    };
    Some(Intent::List {
        filter,
        count: COUNT_WORDS.is_match(text),
    })
}

/// "I washed the car", "just called mom": a statement that something is done.
fn past_tense_complete(text: &str) -> Option<Intent> {
    let c = I_PAST.captures(text)?;
    let verb = c[1].to_lowercase();
    let rest = c[2].trim();
    let other_request = [
        "added", "created", "listed", "deleted", "removed", "renamed", "updated", "changed",
    ];
    if rest.is_empty()
        || other_request.contains(&verb.as_str())
        || !crate::offline::matching::is_past_tense(&verb)
    {
        return None;
    }
    Some(Intent::Act {
        action: Action::Complete,
        target: Target::Phrase(format!("{verb} {rest}")),
    })
}

/// How a task was referred to.
pub fn target_of(raw: &str) -> Target {
    let phrase = unquote(raw);
    let phrase = phrase.trim().trim_end_matches(['.', '!', '?', ',']).trim();
    if let Some(c) = ID_REF.captures(phrase) {
        let digits = c
            .get(1)
            .or_else(|| c.get(2))
            .or_else(|| c.get(3))
            .map(|m| m.as_str())
            .unwrap_or_default();
        if let Ok(id) = digits.parse() {
            return Target::Id(id);
        }
    }
    if let Some(c) = NUMBER_REF.captures(phrase)
        && let Ok(n) = c[1].parse::<usize>()
    {
        return Target::Position(Position::Nth(n));
    }
    if let Some(c) = ORDINAL_REF.captures(phrase) {
        let position = match c[1].to_lowercase().as_str() {
            "first" | "1st" | "top" => Position::Nth(1),
            "second" | "2nd" => Position::Nth(2),
            "third" | "3rd" => Position::Nth(3),
            "fourth" | "4th" => Position::Nth(4),
            "fifth" | "5th" => Position::Nth(5),
            "sixth" | "6th" => Position::Nth(6),
            "seventh" | "7th" => Position::Nth(7),
            "eighth" | "8th" => Position::Nth(8),
            "ninth" | "9th" => Position::Nth(9),
            "tenth" | "10th" => Position::Nth(10),
            _ => Position::Last,
        };
        return Target::Position(position);
    }
    if IT_REF.is_match(phrase) {
        return Target::It;
    }
    Target::Phrase(phrase.to_owned())
}

/// A title as the user meant it: no wrapping quotes, no trailing punctuation, no leading "to".
fn clean_title(raw: &str) -> String {
    let mut title = unquote(raw.trim());
    for prefix in ["to ", "To "] {
        if let Some(rest) = title.strip_prefix(prefix) {
            title = rest.to_owned();
        }
    }
    let title = title
        .trim()
        .trim_end_matches(['.', '!', '?', ',', ';', ':'])
        .trim();
    unquote(title)
}

fn unquote(raw: &str) -> String {
    let text = raw.trim();
    let pairs = [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’'), ('`', '`')];
    for (open, close) in pairs {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && (!inner.contains(open) || open != close)
        {
            return inner.trim().to_owned();
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(title: &str) -> Intent {
        Intent::Add {
            title: Some(title.into()),
            description: None,
        }
    }

    #[test]
    fn adds_in_many_phrasings() {
        for (say, title) in [
            ("Add a task to buy groceries", "buy groceries"),
            ("I need to remember to pay bills", "pay bills"),
            ("Remind me to book a haircut", "book a haircut"),
            (
                "create task: send the invoice to ACME",
                "send the invoice to ACME",
            ),
            ("add \"Call grandma\"", "Call grandma"),
            ("add vacuum the stairs to my list", "vacuum the stairs"),
            ("don't let me forget to lock the shed", "lock the shed"),
            (
                "I have to renew the car registration",
                "renew the car registration",
            ),
            (
                "Can you add a task to order new glasses please?",
                "order new glasses",
            ),
            ("put milk on my shopping list", "milk on my shopping list"),
            ("put eggs on my list", "eggs"),
            ("new task: water the plants", "water the plants"),
            ("ok, add call the bank", "call the bank"),
            ("todo: fix the sink", "fix the sink"),
            ("I should email Sarah", "email Sarah"),
        ] {
            assert_eq!(parse(say), add(title), "{say}");
        }
        assert_eq!(
            parse("Add a task \"Write report\" with description \"sales figures for Q3\""),
            Intent::Add {
                title: Some("Write report".into()),
                description: Some("sales figures for Q3".into())
            }
        );
        assert_eq!(
            parse("create a new task"),
            Intent::Add {
                title: None,
                description: None
            }
        );
        assert_eq!(
            parse("add a task"),
            Intent::Add {
                title: None,
                description: None
            }
        );
    }

    #[test]
    fn lists_with_filters_and_counts() {
        let list = |filter, count| Intent::List { filter, count };
        assert_eq!(parse("Show me all my tasks"), list(Filter::All, false));
        assert_eq!(parse("What's pending?"), list(Filter::Pending, false));
        assert_eq!(
            parse("What have I completed?"),
            list(Filter::Completed, false)
        );
        assert_eq!(parse("what do I need to do?"), list(Filter::Pending, false));
        assert_eq!(parse("list open tasks"), list(Filter::Pending, false));
        assert_eq!(
            parse("how many things are on my list?"),
            list(Filter::All, true)
        );
        assert_eq!(parse("what's left?"), list(Filter::Pending, false));
        assert_eq!(parse("what's on my list?"), list(Filter::All, false));
        assert_eq!(parse("show my tasks"), list(Filter::All, false));
        assert_eq!(
            parse("which tasks are done?"),
            list(Filter::Completed, false)
        );
    }

    #[test]
    fn acts_by_id_title_position_and_reference() {
        let act = |action, target| Intent::Act { action, target };
        assert_eq!(
            parse("Mark task 12 as complete"),
            act(Action::Complete, Target::Id(12))
        );
        assert_eq!(
            parse("mark pay bills as done"),
            act(Action::Complete, Target::Phrase("pay bills".into()))
        );
        assert_eq!(
            parse("the tax task is done"),
            act(Action::Complete, Target::Phrase("the tax task".into()))
        );
        assert_eq!(
            parse("done, mark it complete"),
            act(Action::Complete, Target::It)
        );
        assert_eq!(
            parse("complete the third one"),
            act(Action::Complete, Target::Position(Position::Nth(3)))
        );
        assert_eq!(
            parse("I washed the car"),
            act(Action::Complete, Target::Phrase("washed the car".into()))
        );
        assert_eq!(parse("delete task 7"), act(Action::Delete, Target::Id(7)));
        assert_eq!(parse("remove #7"), act(Action::Delete, Target::Id(7)));
        assert_eq!(parse("actually delete it"), act(Action::Delete, Target::It));
        assert_eq!(
            parse("delete the last one"),
            act(Action::Delete, Target::Position(Position::Last))
        );
        assert_eq!(
            parse("Delete the meeting task"),
            act(Action::Delete, Target::Phrase("the meeting task".into()))
        );
        assert_eq!(
            parse("Change task 4 to 'Call mom tonight'"),
            act(
                Action::Update {
                    title: Some("Call mom tonight".into()),
                    description: None
                },
                Target::Id(4)
            )
        );
        assert_eq!(
            parse("rename buy bread to buy sourdough bread"),
            act(
                Action::Update {
                    title: Some("buy sourdough bread".into()),
                    description: None
                },
                Target::Phrase("buy bread".into())
            )
        );
        assert_eq!(
            parse("set the description of packing to \"passport, charger, socks\""),
            act(
                Action::Update {
                    title: None,
                    description: Some("passport, charger, socks".into())
                },
                Target::Phrase("packing".into())
            )
        );
    }

    #[test]
    fn chat_and_odd_input_never_act() {
        assert_eq!(parse("hi"), Intent::Chat(ChatKind::Greeting));
        assert_eq!(parse("thanks!"), Intent::Chat(ChatKind::Thanks));
        assert_eq!(parse("help"), Intent::Chat(ChatKind::Help));
        assert_eq!(parse("What can you do?"), Intent::Chat(ChatKind::Help));
        assert_eq!(
            parse("tell me a joke about penguins"),
            Intent::Chat(ChatKind::OffTopic)
        );
        for odd in [
            "",
            "   ",
            "🙂",
            "???",
            "ääää",
            &"x".repeat(5000),
            "\"",
            "add \"",
            "delete",
            "mark as done",
        ] {
            let _ = parse(odd);
        }
    }
}

//! The second stage: what the user asks for, as typed [`Request`]s (one per clause), each with
//! the references it makes. Understanding only proposes: whether anything is changed is the
//! policy's decision, from the evidence the references resolve to. So a pattern here may be
//! generous about phrasing, but never decides that a vague message is a command: questions
//! and negations are recognised by their form before any command pattern is tried.

use serde::{Deserialize, Serialize};

use super::{
    lexicon::{
        ALL_FILLER, ALL_WORDS, COMMON_VERBS, DONE_WORDS, ENGLISH, FOREIGN, LIST_NOUNS, LOANWORDS,
        NAMES_NOTHING, NOT_DONE_VERBS, OPEN_WORDS, SMALL_TALK_SUBJECTS,
    },
    normalize::{Utterance, normalize, pattern, words},
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Add(Add),
    List {
        filter: Filter,
        count: bool,
    },
    /// Complete, delete, reopen or edit one or more existing tasks.
    Change {
        action: Action,
        target: Target,
        cue: Cue,
    },
    /// A question about a task's state, or about what an action would do.
    Status {
        target: Reference,
        about: Asked,
    },
    /// "I haven't called mom", "not done yet": a task is not done. Nothing changes.
    NotYet {
        target: Option<Reference>,
    },
    /// "don't delete the report": keep it as it is.
    Keep {
        target: Reference,
    },
    Undo,
    Chat(ChatKind),
    /// Not English.
    Foreign,
    /// About tasks, but not understood: the part that was understood, if any.
    Unclear {
        verb: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Add {
    pub title: Option<String>,
    pub description: Option<String>,
    /// "add buy milk, eggs and bread": the separate tasks it could also be.
    pub parts: Vec<String>,
    /// Said outright ("add …", "remind me to …") rather than implied ("I need milk").
    pub explicit: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// "did I …?", "is X done?"
    Done,
    /// "is X still pending?", "do I still need to …?": the same fact, asked the other way
    /// round, so its yes and no are the other way round too.
    Pending,
    /// "should I delete X?"
    Advice(Verb),
    /// "what happens if I delete X?"
    Consequence(Verb),
}

/// The verb of an action, for questions about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Complete,
    Delete,
    Reopen,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    Greeting,
    Thanks,
    Help,
    Bye,
    /// "never mind", "forget it", "cancel that".
    Dismiss,
    /// "ok", "cool": nothing to do unless a question is open.
    Ack,
    OffTopic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    All,
    Pending,
    Completed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "lowercase")]
pub enum Action {
    Complete,
    Delete,
    Reopen,
    Update {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
}

/// How directly a change was asked for. An indirect one ("can I delete X?", "I don't need X
/// anymore", "cancel X") is always confirmed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    Direct,
    Indirect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    One(Reference),
    Many(Vec<Reference>),
    /// "everything", "all pending", "the completed ones".
    All(Filter),
}

/// How the user named a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// "task 3", "#3": the task's number.
    Number(i64),
    /// "3" alone: a position right after a numbered list, else a task number.
    Bare(i64),
    /// "the second one", "number 2", "the last one".
    Position(Position),
    /// "it", "that one": the task the conversation last talked about.
    Pronoun,
    /// "the one I just added".
    LastAdded,
    /// Words of a title.
    Phrase(Phrase),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    Nth(usize),
    Last,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    pub text: String,
    /// The user put it in quotes: a title, not a description of one.
    pub quoted: bool,
    /// The verb of a statement ("called" in "I called mom"): on its own it names no task.
    pub verb: Option<String>,
}

/// Reads one message.
pub fn parse(message: &str) -> Vec<Request> {
    let utterance = normalize(message);
    if is_foreign(&utterance.raw) {
        return vec![Request::Foreign];
    }
    if let Some(kind) = chat(trim_punct(&utterance.raw)).or_else(|| chat(&utterance.text)) {
        return vec![Request::Chat(kind)];
    }
    let clauses = split_clauses(&utterance.text);
    let last = clauses.len().saturating_sub(1);
    let mut requests: Vec<Request> = clauses
        .iter()
        .enumerate()
        .map(|(i, clause)| {
            let clause_utterance = if clauses.len() == 1 {
                utterance.clone()
            } else {
                let mut u = normalize(clause);
                // Only the last clause carries the message's question mark.
                u.question = u.question && (i == last || !clause.ends_with('?'));
                u.polite |= utterance.polite && i == 0;
                u
            };
            clause_request(&clause_utterance)
        })
        .collect();
    merge_pronouns(&mut requests);
    requests
}

/// Without sentence punctuation around it; quotes stay, they delimit titles.
fn trim_punct(text: &str) -> &str {
    text.trim_matches(|c: char| {
        (c.is_ascii_punctuation() && !matches!(c, '"' | '\'' | '#')) || c.is_whitespace()
    })
}

/// "I don't need the batteries task anymore, remove it": "it" is the task the same message
/// just named, and the explicit command decides how directly it was asked.
fn merge_pronouns(requests: &mut Vec<Request>) {
    let mut i = 1;
    while i < requests.len() {
        let named = match &requests[i - 1] {
            Request::Change {
                target: Target::One(r @ Reference::Phrase(_)),
                ..
            }
            | Request::Status {
                target: r @ Reference::Phrase(_),
                ..
            }
            | Request::NotYet {
                target: Some(r @ Reference::Phrase(_)),
            } => Some(r.clone()),
            _ => None,
        }
        .filter(
            |r| matches!(r, Reference::Phrase(p) if !super::matching::stems(&p.text).is_empty()),
        );
        if let (
            Some(named),
            Request::Change {
                target: Target::One(Reference::Pronoun),
                ..
            },
        ) = (named, &mut requests[i])
        {
            if let Request::Change { target, .. } = &mut requests[i] {
                *target = Target::One(named);
            }
            requests.remove(i - 1);
            continue;
        }
        i += 1;
    }
}

// ---- Clauses -------------------------------------------------------------------------------

pattern!(
    CLAUSE_BREAK,
    r"(?i)(?:\s*[;.!?]+\s+|\s*,\s*(?:and\s+then\s+|and\s+also\s+|and\s+|then\s+|also\s+|plus\s+|but\s+)?|\s+(?:and\s+then|and\s+also|and|then|also|plus|but)\s+)"
);
pattern!(
    REQUEST_START,
    r"(?i)^(?:(?:also\s+|and\s+|then\s+|plus\s+)?(?:please\s+|you can\s+|go ahead and\s+|just\s+|can you\s+|could you\s+)?(?:add|create|delete|remove|complete|finish|mark|show|list|rename|update|change|edit|reopen|undo|put|remind me|tick off|check off|cross off|get rid of|what's|whats|what is|what are|how many)\b|(?:also\s+|and\s+)?i\s+(?:also\s+|just\s+|already\s+)?(?:[a-z]+ed|bought|paid|did|sent|made|took|got|went|wrote|met|fed|ran|sold|told|gave|brought|built|swept|read|finished|don't need|do not need|no longer need|have to|need to|must|should)\b)"
);

/// Splits a message at clause boundaries, but only where the next part starts a request of its
/// own: "buy salt and pepper" stays whole, "I bought the milk, and add eggs" is two requests.
fn split_clauses(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.to_owned();
    'outer: loop {
        for m in CLAUSE_BREAK.find_iter(&rest) {
            let left = rest[..m.start()].trim();
            let right = rest[m.end()..].trim();
            if left.is_empty() || right.is_empty() || !REQUEST_START.is_match(right) {
                continue;
            }
            // Commas inside an add are a list of items, not clauses ("add milk, eggs").
            if is_inside_quotes(&rest, m.start()) {
                continue;
            }
            // "rename it to invoice Dana and Mark": a word that can start a request, but no
            // request follows it, so the clause goes on.
            let next = CLAUSE_BREAK
                .find(right)
                .map_or(right, |n| &right[..n.start()]);
            if matches!(clause_request(&normalize(next)), Request::Unclear { .. }) {
                continue;
            }
            let left_request = clause_request(&normalize(left));
            match left_request {
                // "thanks! now show my list": the courtesy needs no answer of its own.
                Request::Chat(ChatKind::Ack | ChatKind::Thanks | ChatKind::Greeting) => {}
                Request::Chat(_) | Request::Unclear { .. } | Request::Foreign => continue,
                _ => parts.push(left.to_owned()),
            }
            rest = right.to_owned();
            continue 'outer;
        }
        parts.push(rest.trim().to_owned());
        return parts;
    }
}

fn is_inside_quotes(text: &str, at: usize) -> bool {
    text[..at].matches('"').count() % 2 == 1
}

// ---- Small talk, help and language ---------------------------------------------------------

pattern!(
    GREETING,
    r"(?i)^(?:hi+|hello+|hey+|hiya|howdy|yo|heya|good (?:morning|afternoon|evening|day)|greetings|what'?s up|sup|how are you(?: doing)?(?: today)?|how's it going|hey there|hello there|hi there|morning|evening)(?:\s+(?:there|you|buddy|friend|bot|assistant|mate))?$"
);
pattern!(
    THANKS,
    r"(?i)^(?:thanks?(?: you)?(?: so much| a lot| very much)?|thx|ty|tysm|cheers|much appreciated|appreciate it|great,? thanks|thanks,? that'?s (?:all|it|everything)|that'?s (?:all|it|everything)(?: for now)?|that is all|nothing else|no,? (?:that'?s|i'?m) (?:all|it|good|fine)|all good|all set|i'?m (?:good|fine|all set)|perfect|awesome|nice|wonderful|excellent|great|brilliant|lovely|sweet|good job|well done|thanks for (?:the|your) help)(?:\s*,?\s*(?:thanks|thank you|bye))?$"
);
pattern!(
    ACK,
    r"(?i)^(?:ok(?:ay)?|k|kk|cool|got it|done|all done|finished|i'?m done|sure|alright|all right|fine|right|understood|noted|i see|makes sense|sounds good|yes|yeah|yep|yup|no|nope|nah|hmm+|lol|haha+|wow|oh|ah|ugh)$"
);
pattern!(
    BYE,
    r"(?i)^(?:bye+|goodbye|good bye|bye bye|see you(?: later| soon| tomorrow)?|see ya|later|cya|good ?night|night|ttyl|talk (?:to you )?later|catch you later|(?:i|we)(?:'ve| have)? (?:got to|gotta|have to|need to|must|should) (?:go|leave|run|head out|head off|get going|be going|sign off|log off|dash|split|bounce|jet)(?: now| soon| for now| real quick| bye)?|(?:gotta|got to|have to|need to|must) (?:go|run|leave|dash|head out)(?: now| for now)?|i'?m (?:off|leaving|heading out|logging off|done for (?:now|today|the day))|that'?s all for (?:now|today))(?:\s+(?:for now|for today|for the day|then|now))?$"
);
pattern!(
    DISMISS,
    r"(?i)^(?:never ?mind|nvm|forget (?:it|that|about it|about that|this|the whole thing)|cancel(?: (?:that|it|this))?|scratch that|ignore (?:that|this|me|it)|no worries|leave it|don'?t (?:bother|worry(?: about it)?)|not now|stop|wait|hold on|no thanks|no thank you|nothing|not really|no,? (?:never ?mind|forget it|cancel|thanks)|maybe later|let me (?:think|sleep) (?:about|on|it over)\b.*|i'?ll (?:think about|sleep on) (?:it|that|this)(?: later)?)$"
);
pattern!(
    HELP,
    r"(?i)^(?:help(?: me)?|\?+|h[ae]lp|i need (?:some |your |a little |a bit of )?(?:help|assistance|support|a hand|guidance|advice)(?: with .+| please| here)?|(?:i have|i've got|got) (?:a|one|another|some) (?:question|questions|doubt|query)(?: .+)?|(?:can|could) (?:you|u) help(?: me)?(?: .+)?|what can you do(?: for me)?|what do you do|what can i (?:say|do|ask|type)(?: here)?|how does (?:this|it|the app|this app|this thing) work|how do (?:i|you) use (?:this|you|it|the app)|what are you|who are you|what is this|what'?s this|commands|menu|options|instructions|how can you help(?: me)?|how does this (?:work|thing work)|what (?:are|is) (?:the )?commands?|how (?:do|can|would|should) i (?:add|delete|remove|complete|finish|mark|edit|rename|update|change|list|see|undo|reopen|use)\b.*|is there a way to .+|can i (?:also )?(?:use|ask)\b.*)$"
);
pattern!(
    SMALL_TALK,
    r"(?i)^(?:i have to (?:say|admit|tell you|confess)\b.*|i have (?:a|an) (?:idea|thought|suggestion|feedback|comment)\b.*|i need (?:a|some) (?:break|rest|minute|moment|second|sec|coffee|nap|vacation|holiday)\b.*|i need (?:to )?(?:think|sleep|rest|relax|breathe)(?: about (?:it|this|that))?|i(?:'m| am) (?:tired|bored|stressed|busy|happy|sad|back|here|ready|confused|lost)\b.*|you(?:'re| are) .+|this is .+|that(?:'s| is| was) (?:cool|great|nice|neat|awesome|helpful|funny|weird|odd|strange|interesting|annoying|wrong|right|correct|not what i (?:meant|wanted))\b.*|lol .*|tell me (?:a )?(?:joke|story)\b.*|what(?:'s| is) the (?:weather|time|date)\b.*|who (?:made|built|created) you.*)$"
);
pattern!(
    UNDO,
    r"(?i)^(?:undo|undo (?:that|it|this|the last (?:change|one|thing|action|step)|what you (?:just )?did|my last (?:change|action))|revert(?: that| it| the last change)?|take (?:that|it) back|reverse (?:that|it)|put it back|bring it back|restore (?:it|that)|oops,? undo(?: that)?|go back|roll (?:that|it) back|change it back)$"
);

fn chat(text: &str) -> Option<ChatKind> {
    let text = trim_punct(text);
    if text.is_empty() {
        return Some(ChatKind::Help);
    }
    one_chat(text).or_else(|| chat_pieces(text))
}

/// "thanks, that's all for today", "ok cool, see you tomorrow": small talk made of small
/// talk. It is answered as its last piece that says more than "ok".
fn chat_pieces(text: &str) -> Option<ChatKind> {
    let pieces: Vec<&str> = CHAT_PIECE_BREAK
        .split(text)
        .map(trim_punct)
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() < 2 {
        return None;
    }
    let kinds = pieces
        .iter()
        .map(|p| one_chat(p))
        .collect::<Option<Vec<_>>>()?;
    // Help and off-topic talk mixed with courtesies are better answered by the whole message's
    // own reading (the caller's), so only courtesies combine.
    if kinds
        .iter()
        .any(|k| matches!(k, ChatKind::Help | ChatKind::OffTopic))
    {
        return None;
    }
    kinds
        .iter()
        .rev()
        .find(|k| **k != ChatKind::Ack)
        .or(kinds.last())
        .copied()
}

pattern!(CHAT_PIECE_BREAK, r"(?i)\s*[,;.!]+\s*|\s+(?:and|but)\s+");

fn one_chat(text: &str) -> Option<ChatKind> {
    [
        (&*GREETING, ChatKind::Greeting),
        (&*THANKS, ChatKind::Thanks),
        (&*BYE, ChatKind::Bye),
        (&*DISMISS, ChatKind::Dismiss),
        (&*ACK, ChatKind::Ack),
        (&*HELP, ChatKind::Help),
        (&*SMALL_TALK, ChatKind::OffTopic),
    ]
    .into_iter()
    .find(|(p, _)| p.is_match(text))
    .map(|(_, kind)| kind)
}

fn is_foreign(raw: &str) -> bool {
    let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
    let latin = raw
        .chars()
        .filter(|c| {
            c.is_alphabetic() && (c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(c))
        })
        .count();
    if letters >= 2 && latin * 2 < letters {
        return true;
    }
    let words = words(raw);
    let foreign = words
        .iter()
        .filter(|w| FOREIGN.contains(&w.as_str()))
        .count();
    let accented = words
        .iter()
        .filter(|w| !w.is_ascii() && !LOANWORDS.contains(&w.as_str()))
        .count();
    let foreign = foreign + accented;
    let english = words
        .iter()
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .count();
    let marked = raw.contains(['¿', '¡', 'ß']);
    (foreign >= 2 && foreign > english)
        || (foreign >= 1 && english == 0 && words.len() >= 3)
        || (marked && english == 0)
        || (words.len() <= 2 && foreign == words.len() && foreign > 0 && english == 0)
}

// ---- One clause ----------------------------------------------------------------------------

fn clause_request(u: &Utterance) -> Request {
    let text = trim_punct(&u.text).to_owned();
    if let Some(kind) = chat(&text) {
        return Request::Chat(kind);
    }
    if UNDO.is_match(&text) {
        return Request::Undo;
    }
    if u.question {
        return question(&text).unwrap_or_else(|| {
            // "delete the milk task?" reads as asking for it: a request on weak evidence.
            // "I called mom?" asks whether that is done; a question never completes anything.
            command(&text)
                .map(indirect)
                .or_else(|| negation(&text))
                .or_else(|| statement(&text).map(as_question))
                .unwrap_or_else(|| unclear(&text))
        });
    }
    if DEFER.is_match(&text) {
        // "put the invoice on hold": tasks have no dates or holds here; "put" is not "did".
        return Request::Unclear { verb: None };
    }
    if let Some(request) = progress(&text).or_else(|| command(&text)) {
        return request;
    }
    negation(&text)
        .or_else(|| statement(&text))
        .or_else(|| implicit_add(&text))
        .or_else(|| bare_task(&text))
        .unwrap_or_else(|| unclear(&text))
}

/// A statement read as a question: "I called mom?" asks about the task.
fn as_question(request: Request) -> Request {
    match request {
        Request::Change {
            target: Target::One(target),
            ..
        } => Request::Status {
            target,
            about: Asked::Done,
        },
        Request::Change { .. } => Request::List {
            filter: Filter::All,
            count: false,
        },
        other => other,
    }
}

/// A destructive request made indirectly is confirmed first.
fn indirect(request: Request) -> Request {
    match request {
        Request::Change { action, target, .. } => Request::Change {
            action,
            target,
            cue: Cue::Indirect,
        },
        other => other,
    }
}

pattern!(
    TASK_WORDS,
    r"(?i)\b(?:tasks?|todos?|to-dos?|list|lists|item|items|reminders?|delete|remove|complete|completed|done|finish|finished|mark|add|rename|edit|update|change|reopen|pending|undo)\b"
);

fn unclear(text: &str) -> Request {
    if !TASK_WORDS.is_match(text) {
        return Request::Chat(ChatKind::OffTopic);
    }
    let verb = words(text).into_iter().find(|w| {
        matches!(
            w.as_str(),
            "add"
                | "delete"
                | "remove"
                | "complete"
                | "finish"
                | "mark"
                | "rename"
                | "edit"
                | "update"
                | "change"
                | "reopen"
                | "undo"
        )
    });
    Request::Unclear { verb }
}

// ---- Questions -----------------------------------------------------------------------------

pattern!(
    LIST_START,
    r"(?i)^(?:show|list|display|view|see|give|gimme|lemme see|let me see|tell|get|read|print|what|what's|whats|which|how many|how much|do i have|have i got|is there|are there|anything|any|remind me what|my|all|everything|pending|open|outstanding|remaining|completed|finished|done|current|today's|todays)\b"
);
pattern!(
    LIST_WORDS,
    r"(?i)\b(?:tasks?|list|to-?dos?|to do|pending|left|remaining|open|outstanding|completed|complete|done|finished|unfinished|incomplete|agenda|plate|need to do|have to do|should i do|got to do|items?|things?|everything|all|anything|next|due|schedule|lined up|status|overview|summary|progress|accomplished|achieved|ticked off|checked off|crossed off)\b"
);
pattern!(
    PENDING_WORDS,
    r"(?i)\b(?:pending|left|remaining|remain|open|outstanding|unfinished|incomplete|not (?:yet )?(?:done|finished|completed)|to do|todo|need to do|have to do|got to do|should i do|still|upcoming|due|undone|next|lined up|unchecked)\b"
);
pattern!(
    COMPLETED_WORDS,
    r"(?i)\b(?:completed|finished|done|accomplished|achieved|checked off|ticked off|crossed off|closed|got done|gotten done)\b"
);
pattern!(
    EVERYTHING_WORDS,
    r"(?i)\b(?:everything|all (?:my |of my |the )?(?:tasks|todos|items)|including|both|whole list|full list|entire list|incl)\b"
);
pattern!(COUNT_WORDS, r"(?i)\bhow many\b|\bcount\b|\bnumber of\b");
pattern!(
    CONSEQUENCE,
    r"(?i)^what (?:happens|would happen|will happen|if)\s+(?:if\s+|when\s+)?(?:i|you|we)\s+(?:were to\s+)?(delete|remove|complete|finish|mark|reopen|rename|edit|change|drop|clear|erase|get rid of)\s+(.+?)(?:\s+as (?:done|complete|completed|finished))?$"
);
pattern!(
    ADVICE,
    r"(?i)^(?:should|shall|must|do|would)\s+(?:i|we)\s+(?:really\s+|just\s+|also\s+|now\s+)?(?:need to\s+|have to\s+)?(delete|remove|complete|finish|mark|reopen|rename|edit|change|drop|clear|erase|get rid of|keep)\s+(.+?)(?:\s+as (?:done|complete|completed|finished))?(?:\s+(?:or not|or keep it|now|too|already))?$"
);
pattern!(
    PERMISSION,
    r"(?i)^(?:can|could|may)\s+(?:i|we)\s+(?:please\s+)?(.+)$"
);
pattern!(
    DID_I,
    r"(?i)^(?:did|have|had|has)\s+(?:i|we|you|he|she|they)\s+(?:already\s+|ever\s+|actually\s+|really\s+|finally\s+|even\s+)?(.+?)(?:\s+(?:already|yet|yet or not|or not|today|at all|this week))*$"
);
pattern!(
    IS_IT_DONE,
    r"(?i)^(?:is|was|are|were|has|have)\s+(.+?)\s+(?:been\s+)?(?:already\s+)?(?:done|complete|completed|finished|checked off|ticked off|crossed off|sorted|handled|taken care of|dealt with|marked (?:as )?(?:done|complete|completed))(?:\s+(?:already|yet|or not))*$"
);
pattern!(
    IS_IT_PENDING,
    r"(?i)^(?:is|are)\s+(.+?)\s+(?:still\s+)?(?:pending|open|outstanding|on (?:my|the) list|left|not done|unfinished|incomplete)(?:\s+(?:still|yet))*$"
);
pattern!(
    GET_DONE,
    r"(?i)^(?:did|has|have|was|were|is|are)\s+(.+?)\s+(?:get|gotten|got|been|get|already)\s+(?:done|finished|completed|sorted|handled|taken care of|dealt with)(?:\s+(?:already|yet|or not))*$"
);
pattern!(
    IS_PARTICIPLE,
    r"(?i)^(?:is|are|was|were|has|have)\s+(.+?)\s+(?:been\s+|already\s+|all\s+)*([a-z]+)(?:\s+(?:already|yet|or not|today))*$"
);
// "invoice sent?", "mom called yet?": the question without its "is" / "has been".
pattern!(
    BARE_PARTICIPLE,
    r"(?i)^(?:the\s+|my\s+)?([a-z][a-z' ]{0,40}?)\s+([a-z]+)(?:\s+(?:already|yet|or not|today))*$"
);
pattern!(
    STILL_NEED,
    r"(?i)^do\s+(?:i|we)\s+still\s+(?:need|have|got)\s+to\s+(.+)$"
);

pattern!(
    FRONTED_TOPIC,
    r"(?i)^(?:and |so |what about |how about |as for )?(.+?)\s*(?:,|:|;|—|–|\s-)\s*(is|was|are|were|has|have)\s+(?:it|that|this|they|those)\s+(.+)$"
);

// "how's the insurance going?", "any update on the invoice", "where am I with the taxes":
// how far a task has got, which the list can only say as done or not yet.
pattern!(
    PROGRESS,
    r"(?i)^(?:so\s+|and\s+|hey\s+|ok\s+|okay\s+)?(?:what(?:'s| is| was)\s+(?:the\s+)?(?:status|state|progress|latest|deal)\s+(?:of|on|with)\s+(.+?)|how(?:'s| is| are| was)\s+(.+?)\s+(?:going|coming along|coming on|getting on|doing|progressing|looking)|how are things (?:with|on)\s+(.+?)|where (?:am i|are we|are things|do i stand|do we stand)\s+(?:with|on)\s+(.+?)|any\s+(?:update|updates|progress|news|word|movement|luck|joy)\s+(?:on|with|about|re|regarding)\s+(.+?)|what(?:'s| is)\s+(?:happening|going on|new|up)\s+(?:with|on)\s+(.+?)|how far (?:along )?(?:am i|are we|is|are)\s+(?:with\s+)?(.+?)|(?:status|progress)\s+(?:of|on)\s+(.+?))(?:\s+(?:so far|now|today|yet|then|at the moment))?$"
);

fn progress(text: &str) -> Option<Request> {
    let c = PROGRESS.captures(text)?;
    let subject = (1..c.len()).find_map(|i| c.get(i))?.as_str();
    // "how are you doing", "how's your day going", "how's life": small talk.
    let small_talk = words(subject)
        .iter()
        .all(|w| SMALL_TALK_SUBJECTS.contains(&w.as_str()));
    (!small_talk && names_a_task(subject)).then(|| status_of(subject, Asked::Done))
}

fn question(text: &str) -> Option<Request> {
    if let Some(request) = progress(text) {
        return Some(request);
    }
    // "the insurance one, is it still open?": the task named first, then asked about as
    // "it"; asked as "is the insurance one still open?".
    if let Some(c) = FRONTED_TOPIC.captures(text)
        && let Some(request) = question(&format!("{} {} {}", &c[2], &c[1], &c[3]))
    {
        return Some(request);
    }
    if let Some(request) = list(text) {
        return Some(request);
    }
    if let Some(c) = CONSEQUENCE.captures(text) {
        return Some(Request::Status {
            target: reference(&c[2]),
            about: Asked::Consequence(verb_of(&c[1])),
        });
    }
    if let Some(c) = ADVICE.captures(text) {
        return Some(Request::Status {
            target: reference(&c[2]),
            about: Asked::Advice(verb_of(&c[1])),
        });
    }
    if let Some(c) = PERMISSION.captures(text) {
        // "can I delete the milk task?": a request, asked for indirectly.
        return command(&c[1]).map(indirect);
    }
    if let Some(c) = IS_IT_DONE
        .captures(text)
        .or_else(|| GET_DONE.captures(text))
    {
        return Some(status_of(&c[1], Asked::Done));
    }
    if let Some(c) = IS_IT_PENDING
        .captures(text)
        .or_else(|| STILL_NEED.captures(text))
    {
        return Some(status_of(&c[1], Asked::Pending));
    }
    if let Some(c) = IS_PARTICIPLE.captures(text).or_else(|| {
        BARE_PARTICIPLE
            .captures(text)
            .filter(|c| names_a_task(&c[1]))
    }) && super::matching::is_past_tense(&c[2])
    {
        // "are the invitations sent?": the verb names the task as much as its object.
        return Some(Request::Status {
            target: Reference::Phrase(Phrase {
                text: format!("{} {}", &c[2], &c[1]),
                quoted: false,
                verb: Some(c[2].to_lowercase()),
            }),
            about: Asked::Done,
        });
    }
    if let Some(c) = DID_I.captures(text) {
        let rest = c[1].trim();
        // "did I add milk?", "have I deleted the old one?": a question about the list.
        if words(rest)
            .first()
            .is_some_and(|w| matches!(w.as_str(), "add" | "added" | "put" | "create" | "created"))
        {
            let what = rest.split_once(' ').map_or("", |(_, r)| r);
            return Some(status_of(what, Asked::Done));
        }
        return Some(status_of(rest, Asked::Done));
    }
    None
}

/// Not only words that could mean any task ("tasks completed?" asks for a list).
fn names_a_task(subject: &str) -> bool {
    words(subject).iter().any(|w| {
        !ALL_FILLER.contains(&w.as_str())
            && !ALL_WORDS.contains(&w.as_str())
            && !matches!(w.as_str(), "anything" | "any" | "some" | "something")
    })
}

fn status_of(phrase: &str, about: Asked) -> Request {
    Request::Status {
        target: statement_reference(phrase),
        about,
    }
}

fn verb_of(word: &str) -> Verb {
    match word.to_lowercase().as_str() {
        "complete" | "finish" | "mark" => Verb::Complete,
        "reopen" => Verb::Reopen,
        "rename" | "edit" | "change" => Verb::Update,
        _ => Verb::Delete,
    }
}

fn list(text: &str) -> Option<Request> {
    let whole = text.trim().to_lowercase();
    let bare = matches!(
        whole.as_str(),
        "list"
            | "tasks"
            | "my tasks"
            | "todos"
            | "my todos"
            | "todo"
            | "to do"
            | "todo list"
            | "to-do list"
            | "my list"
            | "the list"
            | "list please"
            | "everything"
            | "status"
            | "pending"
            | "open"
            | "completed"
            | "done ones"
            | "agenda"
            | "my agenda"
            | "what do i have"
            | "what do we have"
            | "what have i got"
            | "what have we got"
            | "what i have"
    );
    if !(bare || LIST_START.is_match(text) && LIST_WORDS.is_match(text)) {
        return None;
    }
    let filter = if EVERYTHING_WORDS.is_match(text) {
        Filter::All
    } else if COMPLETED_WORDS.is_match(text) && !PENDING_WORDS.is_match(text) {
        Filter::Completed
    } else if PENDING_WORDS.is_match(text) {
        Filter::Pending
    } else {
        Filter::All
    };
    Some(Request::List {
        filter,
        count: COUNT_WORDS.is_match(text),
    })
}

// ---- Commands ------------------------------------------------------------------------------

pattern!(
    LIST_COMMAND,
    r"(?i)^(?:show|list|display|view|see|give|gimme|lemme see|let me see|tell|get|read|print|pull up|bring up|check)\b"
);
pattern!(
    UPDATE_DESCRIPTION,
    r#"(?i)^(?:set|change|update|make|edit|replace)\s+(?:the\s+)?(?:description|details|notes?)\s+(?:of|for|on|in)\s+(.+?)\s+(?:to|as|with)\s*:?\s+(.+)$"#
);
pattern!(
    UPDATE_DESCRIPTION_COLON,
    r#"(?i)^(?:update|edit|change|set)\s+(.+?)\s*[:,]\s*(?:description|details|notes?)\s*[:=-]?\s+(.+)$"#
);
pattern!(
    ADD_DESCRIPTION_TO,
    r#"(?i)^(?:add|attach|put|give|write)\s+(?:a\s+|the\s+|some\s+)?(?:description|details|notes?|comment)\s+(?:to|for|on)\s+(.+?)\s*(?::|-|,|saying|that says)\s*(.+)$"#
);
pattern!(
    ADD_DESCRIPTION_INLINE,
    r#"(?i)^(?:add|attach|put|write)\s+(?:a\s+|the\s+)?(?:description|details|notes?|comment)\s*:?\s+(.+?)\s+(?:to|for|on)\s+(task\s*#?\d+|#\d+|it|that(?: one)?|this(?: one)?|the .+ one)$"#
);
pattern!(DESCRIBE_AS, r#"(?i)^describe\s+(.+?)\s+as\s*:?\s+(.+)$"#);
pattern!(
    UPDATE_TITLE_OF,
    r"(?i)^(?:change|update|edit|set|rename|fix)\s+(?:the\s+)?(?:title|name|wording|text)\s+(?:of|for|on)\s+(.+?)\s+(?:to|as|into)\s*:?\s+(.+)$"
);
pattern!(
    RENAME,
    r"(?i)^(?:rename|retitle|reword|rephrase)\s+(.+?)\s+(?:to|as|into)\s*:?\s+(.+)$"
);
// "make the Dana task say send invoice to Dana and Lee", "have task 2 read call mom tonight".
pattern!(
    MAKE_IT_SAY,
    r"(?i)^(?:make|have)\s+((?:the|my|task|that|this|it)\b.*?|\d+)\s+(?:say|read|be called|be named|be titled)\s*:?\s+(.+)$"
);
pattern!(
    EDIT_COLON,
    r"(?i)^(?:edit|update|change|rename|modify|reword)\s+(task\s*#?\d+|#\d+|it|that(?: one)?|this(?: one)?|the (?:\w+ )?one|number \d+)\s*[:\-]\s*(.+)$"
);
pattern!(
    CHANGE_TO,
    r"(?i)^(?:change|update|edit|modify|alter|correct|fix)\s+(.+?)\s+(?:to|into|so it says|so it reads|to say|to read)\s*:?\s+(.+)$"
);
pattern!(
    REOPEN,
    r"(?i)^(?:reopen|re-open|unmark|uncheck|untick|uncomplete|un-complete|restart|resume|undo (?:the )?(?:completion|complete|done) (?:of|on)|put back|bring back|mark as (?:not done|undone|incomplete|unfinished|pending|open|todo|to do|not complete|not completed))\s+(.+?)(?:\s+(?:again|on my list|to pending|to my list|as pending))?$"
);
pattern!(
    // "put the gym task back on my list": back on the list is open again.
    BACK_ON_LIST,
    r"(?i)^(?:put|bring|move|get)\s+(.+?)\s+back\s+(?:on|onto|to|in|into)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks|todos?)(?:\s+again)?$"
);
pattern!(
    MARK,
    r"(?i)^(?:mark|set|flag|make|put|move|change|switch|turn)\s+(.+?)\s+(?:as\s+|to\s+|back to\s+|back as\s+|into\s+)?(not\s+done|not\s+complete[d]?|not\s+finished|undone|incomplete|unfinished|pending|open|to\s*do|todo|not\s+yet\s+done|done|complete|completed|finished|closed|resolved|checked|ticked|crossed off)(?:\s+again)?$"
);
pattern!(
    COMPLETE_VERB,
    r"(?i)^(?:complete|finish|close|resolve|check off|tick off|cross off|check|tick|cross out|strike|mark off|mark done|mark complete|mark as done|mark as complete|mark as completed|mark as finished|wrap up|knock out|knock off|finish off|sign off on)\s+(.+?)(?:\s+(?:off|as done|for me))?$"
);
pattern!(
    DELETE,
    r"(?i)^(?:delete|remove|drop|erase|trash|scrap|discard|get rid of|take off|toss|ditch|bin|axe|kill|nuke|wipe|purge|eliminate|clear out|clean out|wipe out|clear|clean up|strike out|cross out)\s+(.+?)(?:\s+(?:from|off)\s+(?:my|the)\s+(?:to-?do\s+)?(?:list|tasks|todos?))?(?:\s+(?:for good|permanently|completely|entirely))?$"
);
pattern!(
    OFF_THE_LIST,
    r"(?i)^(?:take|get|pull|drop|remove|delete|scratch|rub)\s+(.+?)\s+(?:off|out of|from)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks|todos?)$"
);
pattern!(
    WEAK_DELETE,
    r"(?i)^(?:cancel|forget(?: about)?|skip|abandon|give up on|no need for|don'?t need|do not need|no longer need)\s+(.+?)(?:\s+(?:anymore|any more|after all))?$"
);

/// A command: the message starts with what to do.
fn command(text: &str) -> Option<Request> {
    let text = trim_punct(text);
    if let Some(request) = update(text) {
        return Some(request);
    }
    if let Some(c) = REOPEN
        .captures(text)
        .or_else(|| BACK_ON_LIST.captures(text))
    {
        return Some(change(Action::Reopen, &c[1], Cue::Direct));
    }
    if let Some(c) = MARK.captures(text) {
        let state = c[2].to_lowercase();
        let done = matches!(
            state.as_str(),
            "done"
                | "complete"
                | "completed"
                | "finished"
                | "closed"
                | "resolved"
                | "checked"
                | "ticked"
                | "crossed off"
        );
        let action = if done {
            Action::Complete
        } else {
            Action::Reopen
        };
        return Some(change(action, &c[1], Cue::Direct));
    }
    if let Some(c) = COMPLETE_VERB.captures(text) {
        return Some(change(Action::Complete, &c[1], Cue::Direct));
    }
    if let Some(c) = OFF_THE_LIST
        .captures(text)
        .or_else(|| DELETE.captures(text))
    {
        // "clear the gutters", "clean out the garage": one task named with a chore verb is a
        // chore named as often as a delete asked for, so it is asked, never assumed. (Every
        // bulk delete is asked anyway.)
        return Some(match change(Action::Delete, &c[1], Cue::Direct) {
            Request::Change {
                action,
                target: target @ Target::One(_),
                ..
            } if CHORE_VERB.is_match(text) => Request::Change {
                action,
                target,
                cue: Cue::Indirect,
            },
            other => other,
        });
    }
    if let Some(c) = WEAK_DELETE.captures(text) {
        return Some(change(Action::Delete, &c[1], Cue::Indirect));
    }
    if let Some(add) = explicit_add(text) {
        return Some(Request::Add(add));
    }
    if LIST_COMMAND.is_match(text) || text.to_lowercase().starts_with("what") {
        return list(text);
    }
    None
}

pattern!(
    NO_TASK,
    r"(?i)^(?:nothing|none|no tasks?|not (?:a thing|anything)|neither)(?:\s+of (?:them|those|these|it|my tasks|the tasks))?(?:\s+(?:for now|for|now|yet|today|right now|at the moment|thanks|thank you))*$"
);

fn change(action: Action, raw: &str, cue: Cue) -> Request {
    if NO_TASK.is_match(trim_punct(raw)) {
        // "delete nothing for now", "complete none of them": no task is meant. (Normalising
        // drops a closing "now", which can leave "nothing for".)
        return Request::Chat(ChatKind::Dismiss);
    }
    let target = target(raw, &action);
    if let Target::One(Reference::Phrase(p)) = &target
        && !p.quoted
        && super::matching::stems(&p.text).is_empty()
    {
        // "mark as done", "complete the": the verb was understood, the task was not.
        let verb = match action {
            Action::Complete => "complete",
            Action::Delete => "delete",
            Action::Reopen => "reopen",
            Action::Update { .. } => "edit",
        };
        return Request::Unclear {
            verb: Some(verb.to_owned()),
        };
    }
    Request::Change {
        action,
        target,
        cue,
    }
}

fn update(text: &str) -> Option<Request> {
    let make = |target: &str, title: Option<&str>, description: Option<&str>| {
        change(
            Action::Update {
                title: title.map(clean_title).filter(|t| !t.is_empty()),
                description: description.map(unquote),
            },
            target,
            Cue::Direct,
        )
    };
    if let Some(c) = UPDATE_DESCRIPTION
        .captures(text)
        .or_else(|| UPDATE_DESCRIPTION_COLON.captures(text))
        .or_else(|| ADD_DESCRIPTION_TO.captures(text))
        .or_else(|| DESCRIBE_AS.captures(text))
    {
        return Some(make(&c[1], None, Some(&c[2])));
    }
    if let Some(c) = ADD_DESCRIPTION_INLINE.captures(text) {
        return Some(make(&c[2], None, Some(&c[1])));
    }
    if let Some(c) = UPDATE_TITLE_OF
        .captures(text)
        .or_else(|| EDIT_COLON.captures(text))
        .or_else(|| RENAME.captures(text))
        .or_else(|| MAKE_IT_SAY.captures(text))
        .or_else(|| CHANGE_TO.captures(text))
    {
        return Some(make(&c[1], Some(&c[2]), None));
    }
    None
}

// ---- Adds ----------------------------------------------------------------------------------

pattern!(
    ADD_VERB,
    r"(?i)^(?:(?:add|create|new|insert)\s+(?:to|on|onto)\s+(?:my|the)\s+(?:to-?do\s+|task\s+|todo\s+)?(?:list|tasks|todos?)\b|(?:add|create|new|insert|note down|jot down|jot|write down|scribble down|scribble|pencil in|put down|take down|make a note of|make note of|take a note of|capture|include|append|enter|save)(?:\s+(?:a|an|one|another|new|the|me|up)\b)*(?:\s+(?:task|todo|to-do|to do|item|reminder|entry|one|note)\b)?|(?:make|schedule|set up|set|write|note|log|record|put|stick|pop|throw)(?:\s+(?:a|an|one|another|new|the|me|up)\b)+(?:\s+(?:task|todo|to-do|to do|item|reminder|entry|note)\b))(?:\s*(?:to|called|named|titled|that says|saying|for|:|-|=)(?:\s|$))?\s*(.*)$"
);
pattern!(
    PUT_ON_LIST,
    r"(?i)^(?:put|add|stick|pop|throw|write|jot|note|chuck|slap|bung|toss|whack|shove|place|get|drop|slip|plonk)\s+(.+?)\s+(?:(?:on|to|onto|in|into)\s+(?:my|the)\s+(?:to-?do\s+|task\s+|todo\s+)?(?:list|tasks|todos?|to-?do list)|on there|in there|onto it|on it)$"
);
pattern!(
    ON_LIST_SUFFIX,
    r"(?i)^(.+?)\s+(?:on|to|onto)\s+(?:my|the)\s+(?:to-?do\s+|task\s+)?(?:list|tasks|todos?)$"
);
pattern!(
    // "remind me to call mom", "I need to renew my passport", "we have to book the vet": an
    // obligation is a task, whoever shares the list ("we") as much as "I".
    IMPLICIT_ADD,
    r"(?i)^(?:remind me(?:\s+to|\s+about|\s+abt)?|don'?t let me forget(?:\s+to|\s+about)?|do not let me forget(?:\s+to|\s+about)?|don'?t forget(?:\s+to|\s+about)?|do not forget(?:\s+to|\s+about)?|make sure i(?:\s+remember to)?|remember to|(?:i|we)(?:'m|'re|'ve|'ll|\s+am|\s+are|\s+was|\s+were|\s+have|\s+will)?\s+(?:(?:really|also|still|probably|definitely|seriously|just|honestly|actually|totally|finally)\s+)*(?:(?:need|have|want|wanted|ought|got|plan|planning|planned|intend|intending|intended|going|hoping|hoped|meaning|meant)\s+to|must|should|gotta|shall|gonna)(?:\s+(?:(?:really|also|still|probably|definitely|seriously|just|honestly|actually|totally|finally)\s+)*(?:need|have|remember)\s+to)*(?:\s+(?:really|also|still|definitely|seriously|just|actually|finally))*|i need to remember to|need to|have to|gotta|got to|must|should|todo\s*:|to-?do\s*:|task\s*:|reminder\s*:|note\s*:|note to self\s*:?)\s*[:,-]?\s+(.+)$"
);
pattern!(
    // "jot down that I should return the books", "remind me that we need to renew the lease":
    // the task is what the clause says to do.
    THAT_I_SHOULD,
    r"(?i)^(?:a\s+(?:note|reminder)\s+|(?:to\s+)?remember\s+)?that\s+(?:i|we)\s*(?:really\s+|also\s+|still\s+|definitely\s+)?(?:should|must|shall|will|'ll|need to|needs to|have to|has to|had to|ought to|gotta|got to|'ve got to|have got to|want to|plan to|am going to|'m going to|are going to|'re going to|am supposed to|'m supposed to|are supposed to|'re supposed to|can't forget to|cannot forget to|mustn't forget to|shouldn't forget to|need to remember to|have to remember to|should remember to)\s+(.+)$"
);
pattern!(
    // "note down that my passport expires in May": the clause itself is the note.
    THAT_CLAUSE,
    r"(?i)^(?:a\s+(?:note|reminder)\s+|(?:to\s+)?remember\s+)?that\s+((?:i|we|my|our|the|a|an|his|her|their|your)\s.+)$"
);
pattern!(
    // "note that I must cancel the gym", "remember that we should water the garden".
    NOTE_THAT,
    r"(?i)^(?:note|remember|keep in mind|bear in mind|make a note|make note|take note|take a note)\s+(that\s+.+)$"
);
pattern!(
    I_NEED_THING,
    r"(?i)^(?:i|we)\s+(?:really\s+|still\s+|also\s+)?(?:need|want|require)\s+(?:some\s+|more\s+)?(.+)$"
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
    LEAVING,
    r"(?i)^(?:go|leave|run|head out|head off|get going|be going|sign off|log off|dash|split|bounce|jet|sleep|rest|think(?: about (?:it|this|that))?|ask (?:you )?(?:something|a question)|know\b.*|understand\b.*|see\b.*)(?: now| soon| for now| real quick)?$"
);

fn explicit_add(text: &str) -> Option<Add> {
    if let Some(c) = PUT_ON_LIST.captures(text) {
        return Some(add_of(&c[1], true));
    }
    let c = ADD_VERB.captures(text)?;
    Some(add_of(&c[1], true))
}

/// "I was going to call mom", "we were planning to paint the fence", "I meant to ring Jo": an
/// intention told about, which may be long done or dropped, so adding it is asked, never
/// assumed.
fn past_intention(prefix: &str) -> bool {
    words(prefix).iter().any(|w| {
        matches!(
            w.as_str(),
            "was" | "were" | "wanted" | "planned" | "intended" | "hoped" | "meant"
        )
    })
}

/// "I need to talk", "we must be careful": an obligation (not "remind me to ...") whose action
/// is one word or a state to be in says how someone feels as often as what to do, so it is
/// asked about, never added.
fn thin_obligation(prefix: &str, rest: &str) -> bool {
    let said = words(prefix);
    let obliges = said.iter().any(|w| {
        matches!(
            w.as_str(),
            "need"
                | "have"
                | "must"
                | "should"
                | "got"
                | "gotta"
                | "ought"
                | "shall"
                | "gonna"
                | "going"
                | "want"
                | "wanted"
                | "plan"
                | "planning"
                | "planned"
                | "intend"
                | "intending"
                | "intended"
                | "hoping"
                | "hoped"
                | "meaning"
                | "meant"
        )
    });
    let action = words(rest);
    obliges && (action.len() < 2 || action.first().is_some_and(|w| w == "be"))
}

// Verbs of delete that are also chores: "clear the gutters" may name the task, not delete it.
pattern!(CHORE_VERB, r"(?i)^(?:clean|clear|wipe|purge|scrub)\b");
pattern!(
    DEFER,
    r"(?i)^(?:i\s+|we\s+)?(?:put|set|move|push|leave|keep)\s+.+?\s+(?:on hold|aside|on ice|on the back burner|for later|till later|until later|to later|off for now|off till later)$"
);

/// "buy a new phone", "feed the dog": a bare task, said to a todo list. Probably meant to be
/// added, but not said so: asked, never assumed.
fn bare_task(text: &str) -> Option<Request> {
    let said = words(text);
    let (verb, rest) = said.split_first()?;
    let names_something = rest.iter().any(|w| !NAMES_NOTHING.contains(&w.as_str()));
    // "sort my tasks by priority", "move task 3 to tomorrow": about the list, not a task.
    let about_the_list = rest.iter().any(|w| LIST_NOUNS.contains(&w.as_str()));
    (COMMON_VERBS.contains(&verb.as_str()) && names_something && !about_the_list)
        .then(|| Request::Add(add_of(text, false)))
}

fn implicit_add(text: &str) -> Option<Request> {
    if let Some(c) = IMPLICIT_ADD.captures(text) {
        let rest = c[1].trim();
        if LEAVING.is_match(rest) {
            return Some(Request::Chat(ChatKind::Bye));
        }
        // "I want to delete the milk task", "I need to see my list": the rest is itself a
        // request. "I need to schedule the vet" is a task, not a request to add "the vet".
        let chore = CHORE_VERB.is_match(rest);
        if let Some(request) = command(rest).or_else(|| list(rest)) {
            let adds_a_task = matches!(
                words(rest).first().map(String::as_str),
                Some("add" | "create" | "new" | "put" | "insert")
            );
            // "I need to clean out the garage" is a chore to do, not a delete.
            if (!matches!(request, Request::Add(_)) || adds_a_task) && !chore {
                return Some(request);
            }
        }
        let prefix = &text[..c.get(1).map_or(0, |m| m.start())];
        // A chore verb may name a task already on the list ("I have to clear out the shed"):
        // asked, like an intention told in the past.
        let sure = !thin_obligation(prefix, rest) && !past_intention(prefix) && !chore;
        return Some(Request::Add(add_of(rest, sure)));
    }
    if let Some(c) = ON_LIST_SUFFIX.captures(text) {
        return Some(Request::Add(add_of(&c[1], true)));
    }
    // Only a clause saying what to do is a task: "remember that my passport expires" is not.
    if let Some(c) = NOTE_THAT.captures(text)
        && THAT_I_SHOULD.is_match(&c[1])
    {
        return Some(Request::Add(add_of(&c[1], true)));
    }
    if let Some(c) = I_NEED_THING.captures(text) {
        // "I need milk": perhaps a task. Asked, never assumed.
        return Some(Request::Add(add_of(&c[1], false)));
    }
    None
}

/// An add's words without a leading "that"-clause frame ("that I should …" → "…").
fn without_that_clause(rest: &str) -> &str {
    let rest = rest.trim();
    THAT_I_SHOULD
        .captures(rest)
        .or_else(|| THAT_CLAUSE.captures(rest))
        .and_then(|c| c.get(1))
        .map_or(rest, |m| m.as_str())
}

fn add_of(rest: &str, explicit: bool) -> Add {
    let rest = LIST_SUFFIX.replace(without_that_clause(rest), "");
    let (title, description) = match WITH_DESCRIPTION.captures(&rest) {
        Some(c) => (c[1].to_owned(), Some(unquote(&c[2]))),
        None => (rest.into_owned(), None),
    };
    let quoted = is_quoted(title.trim());
    let title = clean_title(&title);
    let parts = if quoted || description.is_some() {
        Vec::new()
    } else {
        items(&title)
    };
    Add {
        title: (!title.is_empty()).then_some(title),
        description,
        parts,
        explicit,
    }
}

/// "buy milk, eggs and bread" → "buy milk", "buy eggs", "buy bread": the separate tasks a
/// comma list could be. Only a list with a comma counts: "salt and pepper" is one item.
fn items(title: &str) -> Vec<String> {
    if !title.contains(',') {
        return Vec::new();
    }
    let mut pieces: Vec<String> = title.split(',').map(|p| p.trim().to_owned()).collect();
    if let Some(last) = pieces.pop() {
        let last = last.strip_prefix("and ").unwrap_or(&last).to_owned();
        match [" and ", " & ", " or ", " plus "]
            .iter()
            .find_map(|sep| last.rsplit_once(sep))
        {
            Some((a, b)) => pieces.extend([a.trim().to_owned(), b.trim().to_owned()]),
            None => pieces.push(last),
        }
    }
    pieces.retain(|p| !p.is_empty());
    if pieces.len() < 2 || pieces.iter().any(|p| p.split_whitespace().count() > 6) {
        return Vec::new();
    }
    // The first item's verb carries over to items that are only a thing: "buy milk, eggs".
    let first_words: Vec<&str> = pieces[0].split_whitespace().collect();
    if first_words.len() >= 2 && starts_with_verb(&pieces[0]) {
        let particle = matches!(
            first_words.get(1).copied(),
            Some("up" | "off" | "out" | "in" | "on" | "down" | "back")
        ) && first_words.len() >= 3;
        let verb = if particle {
            first_words[..2].join(" ")
        } else {
            first_words[0].to_owned()
        };
        for piece in pieces.iter_mut().skip(1) {
            if piece.split_whitespace().count() <= 2 && !starts_with_verb(piece) {
                *piece = format!("{verb} {piece}");
            }
        }
    }
    pieces
}

fn starts_with_verb(text: &str) -> bool {
    let first = words(text).into_iter().next().unwrap_or_default();
    matches!(
        first.as_str(),
        "buy"
            | "get"
            | "call"
            | "email"
            | "text"
            | "pay"
            | "book"
            | "clean"
            | "wash"
            | "fix"
            | "pick"
            | "send"
            | "write"
            | "read"
            | "make"
            | "take"
            | "do"
            | "go"
            | "visit"
            | "order"
            | "return"
            | "water"
            | "feed"
            | "walk"
            | "cook"
            | "finish"
            | "check"
            | "renew"
            | "cancel"
            | "schedule"
            | "print"
            | "sign"
            | "mail"
            | "post"
            | "bring"
    )
}

// ---- Statements ----------------------------------------------------------------------------

pattern!(
    IS_DONE,
    r"(?i)^(.+?)(?:\s+(?:is|are|was|were|has been|have been|got|'s)|'s)\s+(?:now\s+|all\s+|finally\s+|already\s+|officially\s+)?(?:done|complete|completed|finished|sorted|taken care of|handled|dealt with|out of the way|ticked off|checked off|crossed off|over|paid|sent|booked|fixed)(?:\s+(?:now|already|today|finally))?$"
);
pattern!(
    TERSE_DONE,
    r"(?i)^(.+?)\s*(?:[:\-]\s*|\s+)(?:done|finished|completed|complete|sorted|✓|✔)$"
);
pattern!(
    DONE_WITH,
    r"(?i)^(?:i(?:'m| am| have| 've)?\s+|we(?:'re| are)?\s+)?(?:all\s+|finally\s+)?(?:done|finished|through)\s+with\s+(.+)$"
);
pattern!(
    GOT_DONE,
    r"(?i)^(?:i|we)\s+(?:just\s+|finally\s+)?got\s+(.+?)\s+(?:done|finished|sorted|out of the way)$"
);
pattern!(
    I_FINISHED,
    r"(?i)^(?:i|we)\s+(?:have\s+|'ve\s+|just\s+|already\s+|finally\s+|also\s+)*(?:finished|completed|done|did|wrapped up|knocked out|ticked off|checked off|crossed off|took care of|dealt with|handled|sorted)\s+(.+)$"
);
pattern!(
    I_PAST,
    r"(?i)^(?:(?:i|we)\s+(?:have\s+|'ve\s+|just\s+|already\s+|finally\s+|also\s+|actually\s+|successfully\s+|totally\s+)*|(?:just|already|finally)\s+)?([a-z]+)\b\s*(.*)$"
);

fn statement(text: &str) -> Option<Request> {
    if let Some(c) = DONE_WITH
        .captures(text)
        .or_else(|| GOT_DONE.captures(text))
        .or_else(|| I_FINISHED.captures(text))
        .or_else(|| IS_DONE.captures(text))
        .or_else(|| TERSE_DONE.captures(text))
    {
        let phrase = c[1].trim();
        if matches!(
            phrase.to_lowercase().as_str(),
            "i" | "we"
                | "it all"
                | "all"
                | "that"
                | "this"
                | "everything"
                | "all of it"
                | "all of them"
                | "i'm"
                | "we're"
        ) {
            return match phrase.to_lowercase().as_str() {
                "that" | "this" => Some(change(Action::Complete, "it", Cue::Direct)),
                "everything" | "all of it" | "all of them" | "it all" | "all" => {
                    Some(change(Action::Complete, "everything", Cue::Indirect))
                }
                _ => Some(Request::Chat(ChatKind::Thanks)),
            };
        }
        return Some(change(Action::Complete, phrase, Cue::Direct));
    }
    let c = I_PAST.captures(text)?;
    let verb = c[1].to_lowercase();
    let rest = c[2].trim();
    // "I got to go", "I've got to renew it": an obligation, not a thing done.
    if !super::matching::is_past_tense(&verb) || (verb == "got" && rest.starts_with("to ")) {
        return None;
    }
    if NOT_DONE_VERBS.contains(&verb.as_str()) {
        if matches!(verb.as_str(), "forgot" | "missed" | "skipped" | "failed") {
            return Some(Request::NotYet {
                target: (!rest.is_empty()).then(|| statement_reference(rest)),
            });
        }
        return None;
    }
    let phrase = if rest.is_empty() {
        verb.clone()
    } else {
        format!("{verb} {rest}")
    };
    Some(Request::Change {
        action: Action::Complete,
        target: Target::One(Reference::Phrase(Phrase {
            text: phrase,
            quoted: false,
            verb: Some(verb),
        })),
        cue: Cue::Direct,
    })
}

// ---- Negations -----------------------------------------------------------------------------

pattern!(
    NEGATION,
    r"(?i)\b(?:not|never|no longer|don't|dont|doesn't|didn't|didnt|haven't|havent|hasn't|hadn't|isn't|isnt|aren't|wasn't|weren't|won't|can't|cannot|couldn't|shouldn't|nope|yet to)\b"
);
pattern!(
    KEEP,
    r"(?i)^(?:(?:please\s+)?(?:don'?t|do not|never|no need to)\s+(?:delete|remove|drop|erase|trash|scrap|discard|get rid of|touch|change|complete|finish|mark|close|clear|rename|edit)|keep)\s+(.+?)(?:\s+as (?:done|complete|completed))?(?:\s+(?:yet|please|for now|just yet))?$"
);
pattern!(
    NO_LONGER_NEEDED,
    r"(?i)^(?:(?:i|we)\s+)?(?:don'?t|do not|no longer|won'?t)\s+(?:really\s+)?(?:need|want|have)\s+(?:to\s+(?:do\s+)?)?(.+?)(?:\s+(?:anymore|any more|after all|now))?$"
);
pattern!(
    NOT_NEEDED,
    r"(?i)^(.+?)\s+(?:is|are)\s+(?:not|no longer)\s+(?:needed|necessary|required|happening|relevant)(?:\s+(?:anymore|any more|after all))?$"
);
pattern!(
    REOPEN_STATEMENT,
    r"(?i)^(?:actually\s+)?(.+?)\s+(?:isn't|is not|wasn't|was not|aren't|are not|still isn't|still is not)\s+(?:really\s+|actually\s+)?(?:done|finished|complete|completed)\s+(?:after all|actually|anymore|any more)$"
);
pattern!(
    NOT_DONE_STATEMENT,
    r"(?i)^(?:(?:i|we)(?:'re|'m| are| am)\s+(?:still\s+)?not\s+(?:yet\s+)?(?:done|finished|through)\s+with\s+(.+?)|(?:(?:i|we)\s+)?(?:still\s+)?(?:haven't|have not|havent|didn't|did not|didnt|never|couldn't|could not|wasn't able to|was not able to|am yet to|have yet to)\s+(?:actually\s+|really\s+|yet\s+)?(.+?)|(.+?)\s+(?:isn't|is not|wasn't|was not|aren't|are not|hasn't been|has not been)\s+(?:really\s+|actually\s+)?(?:done|finished|complete|completed|sorted)|not\s+(?:done|finished|yet)\s*(?:with\s+(.+?))?)(?:\s+(?:yet|still|either|at all|today))*$"
);

fn negation(text: &str) -> Option<Request> {
    if !NEGATION.is_match(text) && !text.to_lowercase().starts_with("keep ") {
        return None;
    }
    if let Some(add) = IMPLICIT_ADD
        .captures(text)
        .filter(|_| text.to_lowercase().contains("forget"))
    {
        return Some(Request::Add(add_of(&add[1], true)));
    }
    if let Some(c) = KEEP.captures(text) {
        return Some(Request::Keep {
            target: reference(&c[1]),
        });
    }
    if let Some(c) = REOPEN_STATEMENT.captures(text) {
        return Some(change(Action::Reopen, &c[1], Cue::Direct));
    }
    if let Some(c) = NO_LONGER_NEEDED
        .captures(text)
        .or_else(|| NOT_NEEDED.captures(text))
    {
        return Some(change(Action::Delete, &c[1], Cue::Indirect));
    }
    if let Some(c) = NOT_DONE_STATEMENT.captures(text) {
        let phrase = c
            .get(1)
            .or_else(|| c.get(2))
            .or_else(|| c.get(3))
            .or_else(|| c.get(4));
        return Some(Request::NotYet {
            target: phrase.map(|p| statement_reference(p.as_str())),
        });
    }
    // Any other negated sentence is not a request to change anything.
    Some(Request::NotYet { target: None })
}

// ---- References ----------------------------------------------------------------------------

pattern!(
    NUMBER_REF,
    r"(?i)^(?:the\s+)?(?:task|todo|to-do|item|id|entry)\s*(?:number|no\.?|#|n°)?\s*#?\s*(\d+)(?:\s+(?:task|one|item))?$|^#\s*(\d+)$"
);
pattern!(
    POSITION_REF,
    r"(?i)^(?:the\s+)?(?:number|no\.?|line|row|position)\s*#?\s*(\d+)(?:\s+(?:one|on the list|in the list))?$"
);
pattern!(BARE_REF, r"^(\d+)$");
pattern!(
    ORDINAL_REF,
    r"(?i)^(?:the\s+)?(?:very\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|1st|2nd|3rd|\d+th|last|final|top|bottom|latter|former)(?:\s+(?:one|task|item|todo|to-do|entry|line|thing))?(?:\s+(?:on|in|from)\s+(?:the|my|that)\s+list)?$"
);
pattern!(
    EDGE_REF,
    r"(?i)^the\s+one\s+(?:at|on)\s+the\s+(top|bottom|end)(?:\s+of\s+the\s+list)?$"
);
pattern!(
    LAST_ADDED_REF,
    r"(?i)^(?:the\s+)?(?:one|task|item|thing)\s+(?:i|you|we)\s+(?:just\s+|last\s+)?(?:added|created|made|put in)(?:\s+(?:just now|last|earlier))?$|^(?:the\s+)?(?:last|latest|newest|most recent|new)\s+(?:one|task|item|thing)?\s*(?:i|you|we)\s+(?:just\s+)?(?:added|created)$|^(?:the\s+)?(?:newest|latest|new|most recent)\s+(?:one|task|item)$"
);
pattern!(
    PRONOUN_REF,
    r"(?i)^(?:it|that|this|that one|this one|that task|this task|that item|this item|the task|the same one|the same task|that thing|this thing|that too)$"
);
pattern!(
    NUMBER_LIST,
    r"(?i)^(?:the\s+)?(tasks?|items?|numbers?|#)?\s*#?\d+(?:\s*(?:,|and|&|\+)\s*(?:and\s+)?(?:task\s*)?#?\d+)+$"
);

/// What an action applies to: one task, several, or all of a kind.
fn target(raw: &str, action: &Action) -> Target {
    let phrase = clean_reference(raw);
    if let Some(filter) = all_of(&phrase, action) {
        return Target::All(filter);
    }
    if let Some(c) = NUMBER_LIST.captures(&phrase) {
        let prefix = c.get(1).map(|m| m.as_str().to_lowercase());
        let numbers: Vec<i64> = phrase
            .split(|ch: char| !ch.is_ascii_digit())
            .filter_map(|d| d.parse().ok())
            .collect();
        let refs = numbers
            .into_iter()
            .map(|n| match prefix.as_deref() {
                Some(p) if p.starts_with("task") || p == "#" || p.starts_with("item") => {
                    Reference::Number(n)
                }
                Some(_) => usize::try_from(n)
                    .map(|n| Reference::Position(Position::Nth(n)))
                    .unwrap_or(Reference::Number(n)),
                None if phrase.contains('#') => Reference::Number(n),
                None => Reference::Bare(n),
            })
            .collect();
        return Target::Many(refs);
    }
    if let Some((a, b)) = split_pair(&phrase) {
        let (a, b) = (reference(a), reference(b));
        if !matches!(a, Reference::Phrase(_)) && !matches!(b, Reference::Phrase(_)) {
            return Target::Many(vec![a, b]);
        }
    }
    Target::One(reference(&phrase))
}

/// "everything", "all pending", "the completed ones", "all the rest": every task of a kind.
fn all_of(phrase: &str, action: &Action) -> Option<Filter> {
    let words = words(phrase);
    let known = |w: &String| {
        ALL_FILLER.contains(&w.as_str())
            || ALL_WORDS.contains(&w.as_str())
            || OPEN_WORDS.contains(&w.as_str())
            || DONE_WORDS.contains(&w.as_str())
    };
    if words.is_empty() || !words.iter().all(known) {
        return None;
    }
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let plural = words
        .iter()
        .any(|w| matches!(w.as_str(), "ones" | "tasks" | "todos" | "items" | "things"));
    if !has(ALL_WORDS) && !(plural && (has(OPEN_WORDS) || has(DONE_WORDS))) {
        return None;
    }
    Some(if has(DONE_WORDS) && !has(OPEN_WORDS) {
        Filter::Completed
    } else if has(OPEN_WORDS) || words.iter().any(|w| w == "rest") {
        Filter::Pending
    } else {
        // "complete everything" means what is still open; "delete everything" means all.
        match action {
            Action::Complete => Filter::Pending,
            Action::Reopen => Filter::Completed,
            _ => Filter::All,
        }
    })
}

/// "the first and the third", "task 2 and the last one".
fn split_pair(phrase: &str) -> Option<(&str, &str)> {
    phrase
        .split_once(" and ")
        .or_else(|| phrase.split_once(" & "))
        .map(|(a, b)| (a.trim(), b.trim()))
}

/// One task, however it was named.
pub fn reference(raw: &str) -> Reference {
    let phrase = clean_reference(raw);
    if let Some(n) = NUMBER_REF
        .captures(&phrase)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .and_then(|m| m.as_str().parse().ok())
    {
        return Reference::Number(n);
    }
    if let Some(n) = POSITION_REF
        .captures(&phrase)
        .and_then(|c| c[1].parse::<usize>().ok())
    {
        return Reference::Position(Position::Nth(n));
    }
    if let Some(n) = BARE_REF.captures(&phrase).and_then(|c| c[1].parse().ok()) {
        return Reference::Bare(n);
    }
    if LAST_ADDED_REF.is_match(&phrase) {
        return Reference::LastAdded;
    }
    if let Some(c) = ORDINAL_REF.captures(&phrase) {
        return Reference::Position(ordinal(&c[1]));
    }
    if let Some(c) = EDGE_REF.captures(&phrase) {
        return Reference::Position(if c[1].eq_ignore_ascii_case("top") {
            Position::Nth(1)
        } else {
            Position::Last
        });
    }
    if PRONOUN_REF.is_match(&phrase) {
        return Reference::Pronoun;
    }
    let quoted = is_quoted(raw.trim()) || phrase.matches('"').count() >= 2;
    Reference::Phrase(Phrase {
        text: unquote(&phrase),
        quoted,
        verb: None,
    })
}

/// A reference inside a statement ("did I call grandma", "I haven't paid the bills"): the
/// leading verb is kept apart, since on its own it names no task.
fn statement_reference(raw: &str) -> Reference {
    match reference(raw) {
        Reference::Phrase(mut phrase) if !phrase.quoted => {
            let first = words(&phrase.text).into_iter().next();
            phrase.verb = first.filter(|w| super::matching::is_verb_like(w));
            Reference::Phrase(phrase)
        }
        other => other,
    }
}

fn ordinal(word: &str) -> Position {
    let word = word.to_lowercase();
    let n = match word.as_str() {
        "first" | "1st" | "top" | "former" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "last" | "final" | "bottom" | "latter" => return Position::Last,
        other => other.trim_end_matches("th").parse().unwrap_or(usize::MAX),
    };
    Position::Nth(n)
}

/// A reference without the words around it: "the milk task on my list" → "the milk task".
fn clean_reference(raw: &str) -> String {
    let text = raw
        .trim()
        .trim_end_matches(['.', '!', '?', ',', ';', ':'])
        .trim();
    let text = LIST_SUFFIX.replace(text, "");
    let lower = text.to_lowercase();
    for suffix in [
        " please", " for me", " now", " too", " as well", " again", " already",
    ] {
        if lower.ends_with(suffix) && text.len() > suffix.len() {
            return text[..text.len() - suffix.len()].trim().to_owned();
        }
    }
    text.trim().to_owned()
}

/// A title as the user meant it: no wrapping quotes, no trailing punctuation, no leading "to".
pub fn clean_title(raw: &str) -> String {
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

fn is_quoted(text: &str) -> bool {
    let text = text.trim();
    text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')))
}

pub fn unquote(raw: &str) -> String {
    let text = raw.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote))
            && !inner.contains(quote)
        {
            return inner.trim().to_owned();
        }
    }
    // 'the "Buy bread" task': the quoted part is the title.
    if let (Some(start), Some(end)) = (text.find('"'), text.rfind('"'))
        && end > start + 1
    {
        return text[start + 1..end].trim().to_owned();
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(message: &str) -> Request {
        let mut requests = parse(message);
        assert_eq!(requests.len(), 1, "{message}: {requests:?}");
        requests.remove(0)
    }

    fn title(message: &str) -> Option<String> {
        match one(message) {
            Request::Add(add) => add.title,
            other => panic!("{message}: {other:?}"),
        }
    }

    fn phrase(text: &str) -> Reference {
        Reference::Phrase(Phrase {
            text: text.into(),
            quoted: false,
            verb: None,
        })
    }

    #[test]
    fn adds_keep_the_users_words() {
        for (say, expected) in [
            ("Add a task to buy groceries", "buy groceries"),
            ("I need to remember to pay bills", "pay bills"),
            ("remind me call the dentist", "call the dentist"),
            ("put eggs on my list", "eggs"),
            (
                "I need to schedule a vet appointment",
                "schedule a vet appointment",
            ),
            (
                "don't let me forget: backup the laptop",
                "backup the laptop",
            ),
            ("add \"Do not disturb sign\"", "Do not disturb sign"),
            (
                "jot down that I should return the library books on friday",
                "return the library books on friday",
            ),
            (
                "remind me that we need to renew the lease",
                "renew the lease",
            ),
            (
                "add a reminder that I'm supposed to email Sara",
                "email Sara",
            ),
            (
                "note down that my passport expires in May",
                "my passport expires in May",
            ),
            ("add \"that I should\"", "that I should"),
            ("scribble down pick up dry cleaning", "pick up dry cleaning"),
            ("pencil in a haircut for saturday", "haircut for saturday"),
            ("note that I must cancel the gym", "cancel the gym"),
            (
                "write down that the car needs new tyres",
                "the car needs new tyres",
            ),
            ("I need to remember that the rent is due", "the rent is due"),
            ("we have to book the vet", "book the vet"),
            ("we'll need to renew the lease", "renew the lease"),
            ("I'm going to need to call the bank", "call the bank"),
            (
                "we should really sort out the garage",
                "sort out the garage",
            ),
            ("I'm gonna need to pick up the suit", "pick up the suit"),
        ] {
            assert_eq!(title(say).as_deref(), Some(expected), "{say}");
        }
        assert_eq!(title("create a new task"), None);
        // A thin obligation is asked about; "remind me to" one word is still a task.
        for (say, explicit) in [
            ("I need to talk", false),
            ("we must be careful", false),
            ("we have to book the vet", true),
            ("remind me to stretch", true),
        ] {
            match one(say) {
                Request::Add(add) => assert_eq!(add.explicit, explicit, "{say}"),
                other => panic!("{say}: {other:?}"),
            }
        }
        let Request::Add(add) = one("add buy milk, eggs and bread") else {
            panic!()
        };
        assert_eq!(add.parts, ["buy milk", "buy eggs", "buy bread"]);
        let Request::Add(add) = one("add salt and pepper") else {
            panic!()
        };
        assert!(add.parts.is_empty());
        let Request::Add(add) = one("I need milk") else {
            panic!()
        };
        assert!(!add.explicit, "an implied add is asked about");
    }

    #[test]
    fn references_tell_numbers_positions_and_pronouns_apart() {
        assert_eq!(reference("task 3"), Reference::Number(3));
        assert_eq!(reference("#3"), Reference::Number(3));
        assert_eq!(reference("3"), Reference::Bare(3));
        assert_eq!(reference("number 3"), Reference::Position(Position::Nth(3)));
        assert_eq!(
            reference("the third one"),
            Reference::Position(Position::Nth(3))
        );
        assert_eq!(
            reference("the last one"),
            Reference::Position(Position::Last)
        );
        assert_eq!(reference("the one I just added"), Reference::LastAdded);
        assert_eq!(reference("that one"), Reference::Pronoun);
        assert_eq!(reference("the milk task"), phrase("the milk task"));
        let change = |action, target| Request::Change {
            action,
            target,
            cue: Cue::Direct,
        };
        assert_eq!(
            one("complete 2 and 3"),
            change(
                Action::Complete,
                Target::Many(vec![Reference::Bare(2), Reference::Bare(3)])
            )
        );
        assert_eq!(
            one("delete tasks 4 and 5"),
            change(
                Action::Delete,
                Target::Many(vec![Reference::Number(4), Reference::Number(5)])
            )
        );
        assert_eq!(
            one("mark everything as done"),
            change(Action::Complete, Target::All(Filter::Pending))
        );
        assert_eq!(
            one("clear the completed tasks"),
            change(Action::Delete, Target::All(Filter::Completed))
        );
    }

    #[test]
    fn back_on_the_list_is_open_again() {
        for say in [
            "put the gym task back on my list",
            "bring renew passport back onto the list",
        ] {
            assert!(
                matches!(
                    one(say),
                    Request::Change {
                        action: Action::Reopen,
                        ..
                    }
                ),
                "{say}"
            );
        }
        // A task that says "back" is still added.
        assert_eq!(
            title("add call mom back to my list").as_deref(),
            Some("call mom back")
        );
    }

    #[test]
    fn questions_and_negations_are_never_changes() {
        for say in [
            "did I call grandma already?",
            "is the report done?",
            "have I finished the slides",
            "should I delete the gym task?",
            "what happens if I delete the gym task?",
            "we still haven't booked the hotel",
            "didn't get round to the laundry",
            "not finished yet",
            "please don't remove the dentist one",
            "remember that my passport expires in May",
            "i need some help here",
            "got a question",
            "gotta run",
            "that's it for now, thanks",
            "nvm",
            "forget that",
            "how do I use this?",
            "I called mom?",
        ] {
            for request in parse(say) {
                assert!(
                    !matches!(request, Request::Add(_))
                        && !matches!(
                            request,
                            Request::Change {
                                cue: Cue::Direct,
                                ..
                            }
                        ),
                    "{say}: {request:?}"
                );
            }
        }
    }

    #[test]
    fn two_requests_in_one_message_and_it_naming_the_same_message() {
        let requests = parse("I bought the milk, and add eggs");
        assert!(matches!(
            requests.as_slice(),
            [
                Request::Change {
                    action: Action::Complete,
                    ..
                },
                Request::Add(_)
            ]
        ));
        assert_eq!(
            parse("I don't need the batteries task anymore, remove it"),
            vec![Request::Change {
                action: Action::Delete,
                target: Target::One(phrase("the batteries task")),
                cue: Cue::Direct,
            }]
        );
        assert_eq!(parse("buy salt and pepper").len(), 1);
        // A name that is also a verb ends no clause when no request follows it.
        let renamed = parse("rename the invoice task to send invoice to Dana and Mark");
        assert!(
            matches!(renamed.as_slice(), [Request::Change { action: Action::Update { title: Some(t), .. }, .. }] if t.ends_with("Dana and Mark")),
            "{renamed:?}"
        );
        assert_eq!(
            parse("rename task 1 to pay rent and mark task 2 done").len(),
            2
        );
    }

    #[test]
    fn small_talk_made_of_small_talk() {
        assert_eq!(chat("thanks, that's all for today"), Some(ChatKind::Bye));
        assert_eq!(chat("cool, thanks!"), Some(ChatKind::Thanks));
        assert_eq!(chat("ok, ok"), Some(ChatKind::Ack));
        assert_eq!(chat("cheers, bye for now"), Some(ChatKind::Bye));
        assert_eq!(chat("thanks, and add milk"), None);
        assert_eq!(chat("hi, what can you do?"), None);
    }

    #[test]
    fn asked_whether_pending_is_asked_the_other_way_round() {
        for say in [
            "is the car insurance still on my list?",
            "do I still need to call mom?",
        ] {
            let asked = parse(say);
            assert!(
                matches!(
                    asked.as_slice(),
                    [Request::Status {
                        about: Asked::Pending,
                        ..
                    }]
                ),
                "{say}: {asked:?}"
            );
        }
        assert!(matches!(
            parse("is the car insurance done?").as_slice(),
            [Request::Status {
                about: Asked::Done,
                ..
            }]
        ));
    }

    /// Small talk, other languages and odd input are never read as a change or an add.
    #[test]
    fn chat_and_odd_input_never_act() {
        for say in [
            "añade comprar leche",
            "ajoute acheter du pain",
            "füge milch hinzu bitte",
        ] {
            assert_eq!(parse(say), vec![Request::Foreign], "{say}");
        }
        for odd in [
            "",
            "   ",
            "🙂",
            "???",
            &"x".repeat(5000),
            "\"",
            "hi",
            "thanks!",
            "help",
            "lol",
            "tell me a joke about penguins",
            "what's the weather like?",
            "ok cool",
        ] {
            for request in parse(odd) {
                assert!(
                    !matches!(
                        request,
                        Request::Add(_) | Request::Change { .. } | Request::Undo
                    ),
                    "{odd:?}: {request:?}"
                );
            }
        }
        assert_eq!(one("add a café run"), one("add a café run"));
        assert!(matches!(one("add a café run"), Request::Add(_)));
    }
}

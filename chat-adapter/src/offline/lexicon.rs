//! The words the offline model knows: verb forms, words that carry no meaning in a title, and
//! the words that mark other languages. Data, kept apart from the patterns that use it.

/// Irregular past forms that people use to say something is done.
#[rustfmt::skip]
pub const IRREGULAR: &[(&str, &str)] = &[
    ("bought", "buy"), ("went", "go"), ("gone", "go"), ("paid", "pay"), ("did", "do"),
    ("done", "do"), ("sent", "send"), ("wrote", "write"), ("written", "write"), ("made", "make"),
    ("took", "take"), ("taken", "take"), ("got", "get"), ("gotten", "get"), ("ate", "eat"),
    ("eaten", "eat"), ("ran", "run"), ("met", "meet"), ("fed", "feed"), ("drove", "drive"),
    ("driven", "drive"), ("sold", "sell"), ("told", "tell"), ("found", "find"), ("gave", "give"),
    ("given", "give"), ("left", "leave"), ("brought", "bring"), ("thought", "think"),
    ("taught", "teach"), ("caught", "catch"), ("kept", "keep"), ("slept", "sleep"),
    ("spent", "spend"), ("built", "build"), ("sat", "sit"), ("swept", "sweep"), ("hung", "hang"),
    ("lent", "lend"), ("read", "read"), ("spoke", "speak"), ("spoken", "speak"), ("rang", "ring"),
    ("rung", "ring"), ("sang", "sing"), ("began", "begin"), ("begun", "begin"), ("drew", "draw"),
    ("drawn", "draw"), ("threw", "throw"), ("thrown", "throw"), ("wore", "wear"),
    ("froze", "freeze"), ("chose", "choose"), ("rode", "ride"), ("flew", "fly"), ("grew", "grow"),
    ("knew", "know"), ("saw", "see"), ("seen", "see"), ("won", "win"), ("lost", "lose"),
    ("shot", "shoot"), ("fought", "fight"), ("sought", "seek"), ("dug", "dig"), ("hid", "hide"),
    ("put", "put"), ("set", "set"), ("cut", "cut"), ("shut", "shut"), ("fixed", "fix"),
    ("mowed", "mow"), ("had", "have"), ("heard", "hear"), ("said", "say"), ("laid", "lay"),
    ("stood", "stand"), ("understood", "understand"), ("forgot", "forget"), ("fell", "fall"),
    ("felt", "feel"), ("led", "lead"), ("meant", "mean"), ("struck", "strike"), ("woke", "wake"),
    ("bit", "bite"), ("blew", "blow"), ("broke", "break"), ("broken", "break"),
];

/// Words that say nothing about which task is meant.
#[rustfmt::skip]
pub const STOPWORDS: &[&str] = &[
    "the", "a", "an", "my", "to", "for", "of", "on", "in", "at", "with", "and", "or", "task",
    "tasks", "todo", "todos", "item", "items", "one", "i", "me", "about", "that", "this", "is",
    "are", "was", "were", "has", "have", "had", "been", "be", "up", "done", "complete", "completed",
    "finished", "just", "already", "finally", "all", "it", "some", "from", "list", "thing", "stuff",
    "our", "your", "called", "named", "titled", "today", "now", "yesterday", "off", "out", "very",
    "really", "reminder", "reminders", "as", "entry", "thingy", "again", "please", "we", "you",
    "he", "she", "they", "his", "her", "their", "its", "yet", "still", "ever", "actually", "so",
];

/// Words that end in "ed" without being past tense.
#[rustfmt::skip]
pub const NOT_PAST: &[&str] = &[
    "need", "feed", "bed", "shed", "red", "seed", "speed", "weed", "bleed", "breed", "heed",
    "proceed", "succeed", "exceed", "embed", "wed", "bred", "fled", "led", "sled", "shred",
    "hundred", "sacred", "naked", "wicked", "ragged", "tired", "bored", "scared", "ed",
];

/// Base forms of verbs that titles often start with.
#[rustfmt::skip]
pub const COMMON_VERBS: &[&str] = &[
    "call", "buy", "pay", "email", "text", "send", "book", "clean", "wash", "fix", "pick", "write",
    "read", "make", "take", "do", "go", "visit", "order", "return", "water", "feed", "walk", "cook",
    "finish", "check", "renew", "cancel", "schedule", "print", "sign", "mail", "post", "bring",
    "get", "prepare", "submit", "file", "study", "practice", "practise", "review", "meet", "plan",
    "organize", "organise", "pack", "mow", "vacuum", "sweep", "iron", "bake", "ring", "phone",
    "message", "reply", "answer", "collect", "drop", "fill", "change", "replace", "charge",
    "update", "install", "backup", "back", "sort", "tidy", "empty", "hang", "paint", "sand",
    "repair", "service", "wrap", "grab", "ask", "tell", "invite", "thank", "congratulate", "apply",
    "register", "research", "learn", "watch", "listen", "finalize", "finalise", "draft", "edit",
    "proofread", "scan", "shop", "refill", "recycle", "lock", "unlock", "open", "close", "move",
    "set", "test", "try", "run", "bathe", "groom", "vaccinate", "trim", "cut", "plant", "rake",
    "shovel", "defrost", "load", "unload", "fold",
];

/// Verbs that say something was done without saying what: "I did the dishes" may close
/// "Wash the dishes". Stems, as [`super::matching::stem`] makes them.
#[rustfmt::skip]
pub const GENERIC_VERBS: &[&str] = &[
    "do", "finish", "complet", "handl", "sort", "deal", "get", "tak", "manag", "wrap", "knock",
    "tackl", "achiev", "accomplish", "nail", "crush", "clos",
];

/// Words common in other languages' requests and rare in English ones.
#[rustfmt::skip]
pub const FOREIGN: &[&str] = &[
    // Spanish
    "añade", "añadir", "agrega", "agregar", "tarea", "tareas", "borra", "borrar", "elimina",
    "eliminar", "completa", "completar", "hecho", "hola", "gracias", "por", "favor", "mis", "para",
    "comprar", "leche", "llamar", "mamá", "lista", "qué", "cuáles", "pendientes", "muestra",
    "mostrar", "quiero", "necesito", "tengo", "hacer", "está", "mañana", "recuérdame", "una", "las",
    "los", "del", "el", "y", "es", "sí", "ya", "pan",
    // French
    "ajoute", "ajouter", "tâche", "tâches", "liste", "supprime", "supprimer", "bonjour", "merci",
    "je", "vous", "mes", "les", "des", "du", "et", "pour", "avec", "acheter", "lait", "fait",
    "fini", "terminé", "montre", "moi", "rappelle", "rappelle-moi", "s'il", "plaît", "est", "mon",
    "ma", "au", "appeler", "salut", "oui", "non", "une", "faire", "aujourd'hui", "pain",
    // German
    "hallo", "danke", "bitte", "aufgabe", "aufgaben", "hinzufügen", "füge", "lösche", "löschen",
    "erledigt", "ich", "und", "der", "das", "ein", "eine", "meine", "mein", "ist", "nicht",
    "kaufen", "milch", "zeige", "zeig", "mir", "alle", "liste", "muss", "erinnere", "mich",
    "anrufen", "mutter", "heute", "morgen", "brot", "einkaufen", "fertig", "noch", "habe",
    // Italian
    "ciao", "grazie", "segna", "come", "completata", "completato", "lista", "aggiungere", "rimuovi",
    "mostrami", "sono", "cosa", "fare", "oggi", "domani", "comprare", "nella", "aggiungi",
    "compito", "compiti", "fatto", "il", "della", "mostra", "mia", "miei", "devo", "comprare",
    "latte", "chiamare", "elenco", "cancella",
    // Portuguese
    "olá", "obrigado", "obrigada", "adicionar", "adiciona", "tarefa", "tarefas", "apagar", "leite",
    "você", "não", "minha", "minhas", "preciso", "lembrar", "ligar",
    // Dutch
    "hoi", "dank", "voeg", "toe", "taak", "taken", "verwijder", "mijn", "alsjeblieft", "melk",
    "kopen", "bellen", "een", "het", "niet",
];

/// Accented words English borrowed.
#[rustfmt::skip]
pub const LOANWORDS: &[&str] = &[
    "café", "cafés", "résumé", "resumé", "naïve", "jalapeño", "jalapeños", "fiancé", "fiancée",
    "crème", "brûlée", "déjà", "vu", "piñata", "entrée", "soufflé", "purée", "sauté", "touché",
    "über", "señor", "mañana", "doppelgänger",
];

/// Words that mark a message as English.
#[rustfmt::skip]
pub const ENGLISH: &[&str] = &[
    "the", "a", "an", "to", "my", "i", "and", "is", "it", "of", "for", "on", "in", "what", "add",
    "delete", "remove", "task", "tasks", "list", "me", "you", "please", "done", "show", "mark",
    "complete", "call", "buy", "need", "have", "with", "this", "that", "all", "what's", "remind",
    "todo", "finish", "can", "could", "would", "new", "item", "get", "pick", "up",
];

/// Past forms that do not say a task is done ("I forgot to call mom", "I added milk").
#[rustfmt::skip]
pub const NOT_DONE_VERBS: &[&str] = &[
    "forgot", "missed", "skipped", "failed", "postponed", "delayed", "tried", "started", "began",
    "planned", "wanted", "needed", "hoped", "meant", "thought", "decided", "promised", "used",
    "intended", "attempted", "wished", "continued", "avoided", "neglected", "ignored", "added",
    "created", "listed", "deleted", "removed", "renamed", "updated", "changed", "asked", "wondered",
    "liked", "loved", "hated", "said", "told", "heard", "saw", "noticed", "felt", "realized",
    "realised", "remembered", "guessed", "supposed", "expected", "assumed", "preferred", "seemed",
    "looked", "sounded", "happened", "reopened", "marked",
];

/// Words that may stand around "all" in "all the tasks that are still pending".
#[rustfmt::skip]
pub const ALL_FILLER: &[&str] = &[
    "of", "the", "my", "them", "those", "these", "it", "tasks", "task", "todos", "items", "things",
    "ones", "one", "that", "that's", "thats", "which", "is", "are", "still", "already", "i've", "i",
    "have", "on", "list", "single", "whole", "entire", "today", "now", "stuff", "in", "from", "to",
    "do", "else", "off", "marked", "as", "been", "out", "up",
];

#[rustfmt::skip]
pub const ALL_WORDS: &[&str] = &[
    "all", "everything", "every", "rest", "both",
];

#[rustfmt::skip]
pub const OPEN_WORDS: &[&str] = &[
    "pending", "open", "remaining", "outstanding", "unfinished", "incomplete", "left", "undone",
    "active", "current",
];

#[rustfmt::skip]
pub const DONE_WORDS: &[&str] = &[
    "completed", "finished", "done", "checked", "ticked", "crossed", "old", "closed",
];

/// Answers to a yes/no question.
#[rustfmt::skip]
pub const YES_WORDS: &[&str] = &[
    "yes", "y", "yeah", "yep", "yup", "ya", "yea", "sure", "ok", "okay", "k", "correct", "right",
    "confirm", "confirmed", "affirmative", "absolutely", "definitely", "please", "certainly",
    "indeed", "aye", "exactly",
];

#[rustfmt::skip]
pub const NO_WORDS: &[&str] = &[
    "no", "n", "nope", "nah", "don't", "dont", "cancel", "stop", "wait", "negative", "never",
    "nevermind", "keep", "leave",
];

#[rustfmt::skip]
pub const YES_PHRASES: &[&str] = &[
    "do it", "go ahead", "go for it", "please do", "that's right", "that one", "sounds good",
    "of course", "i do", "i am sure", "i'm sure", "that's it", "yes please",
];

#[rustfmt::skip]
pub const NO_PHRASES: &[&str] = &[
    "never mind", "not that", "forget it", "don't do it", "no thanks", "leave it", "keep it",
    "not really", "changed my mind",
];

/// Answers to "one task or several?".
#[rustfmt::skip]
pub const ONE_WORDS: &[&str] = &[
    "one", "1", "single", "just one", "one task", "together", "as one", "a single task",
    "one please",
];

#[rustfmt::skip]
pub const MANY_WORDS: &[&str] = &[
    "separately", "separate", "several", "split", "each", "individually", "many", "multiple",
    "all", "both", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "apart", "different",
];

/// What "how's … going" can ask about that is not a task: "how are you doing", "how's your day
/// going", "how's life".
#[rustfmt::skip]
pub const SMALL_TALK_SUBJECTS: &[&str] = &[
    "you", "your", "ya", "u", "we", "us", "things", "life", "day", "week", "weekend", "morning",
    "evening", "everyone", "everybody", "the", "today",
];

/// Words after a verb that name no thing to do: "call me", "do it", "go away".
#[rustfmt::skip]
pub const NAMES_NOTHING: &[&str] = &[
    "it", "that", "this", "me", "you", "u", "them", "us", "him", "her", "away", "back", "on", "off",
    "up", "down", "out", "in", "again", "now", "later", "please", "pls", "home", "here", "there",
    "a", "the", "some", "more", "all", "everything", "something", "anything", "nothing",
];

/// Words for the list itself, not a task on it: "sort my tasks by priority".
#[rustfmt::skip]
pub const LIST_NOUNS: &[&str] = &[
    "task", "tasks", "list", "lists", "todo", "todos", "items", "reminders",
];

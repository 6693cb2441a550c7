//! ChatKit threads and items from the chat store: a thread is a conversation, and its items
//! are its messages. Ids carry the stored ids (`thr_12`, `msg_40`, `msg_41_tool_0`), so a
//! conversation started through `/api/{user_id}/chat` is a ChatKit thread and the other way
//! round, with nothing stored twice.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::protocol::{Empty, Item, OutputText, Status, Thread, ToolTask, UserText};
use crate::{
    agent::ToolCallRecord,
    store::{Conversation, StoredMessage},
};

pub fn thread_id(conversation: i64) -> String {
    format!("thr_{conversation}")
}

/// The conversation of a thread id; `None` for an id this server never gave out.
pub fn conversation_of(thread: &str) -> Option<i64> {
    thread.strip_prefix("thr_")?.parse().ok()
}

pub fn thread(conversation: &Conversation, items: super::protocol::Page<Item>) -> Thread {
    Thread {
        id: thread_id(conversation.id),
        title: conversation.title.clone(),
        created_at: conversation.created_at,
        status: Status::Active,
        items,
    }
}

/// Where an item sits: its message, and its place within the message's items (an assistant
/// message's tool calls come first, in order, then the message itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ItemKey {
    pub message: i64,
    pub part: Part,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Tool(usize),
    Message,
}

impl ItemKey {
    /// The item of a message itself (a user message, or an assistant reply after its tools).
    pub fn of_message(message: i64) -> Self {
        Self {
            message,
            part: Part::Message,
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        let rest = id.strip_prefix("msg_")?;
        let (message, part) = match rest.split_once("_tool_") {
            Some((message, n)) => (message, Part::Tool(n.parse().ok()?)),
            None => (rest, Part::Message),
        };
        Some(Self {
            message: message.parse().ok()?,
            part,
        })
    }

    pub fn id(self) -> String {
        match self.part {
            Part::Tool(n) => format!("msg_{}_tool_{n}", self.message),
            Part::Message => format!("msg_{}", self.message),
        }
    }
}

/// A stored message as its items, in thread order.
pub fn items_of(conversation: i64, message: &StoredMessage) -> Vec<(ItemKey, Item)> {
    let thread_id = thread_id(conversation);
    let key = |part| ItemKey {
        message: message.id,
        part,
    };
    if message.role == "user" {
        let item = user_item(
            conversation,
            message.id,
            &message.content,
            message.created_at,
        );
        return vec![(key(Part::Message), item)];
    }
    let mut items: Vec<(ItemKey, Item)> = message
        .tool_calls()
        .iter()
        .enumerate()
        .map(|(n, call)| {
            let key = key(Part::Tool(n));
            (key, tool_item(&thread_id, key, call, message.created_at))
        })
        .collect();
    items.push((
        key(Part::Message),
        Item::Assistant {
            id: key(Part::Message).id(),
            thread_id,
            created_at: message.created_at,
            content: vec![OutputText::new(message.content.clone())],
        },
    ));
    items
}

/// A user message as its item: when it was stored, and its text.
pub fn user_item(conversation: i64, message: i64, text: &str, at: DateTime<Utc>) -> Item {
    Item::User {
        id: ItemKey::of_message(message).id(),
        thread_id: thread_id(conversation),
        created_at: at,
        content: vec![UserText {
            text: text.to_owned(),
        }],
        attachments: [],
        inference_options: Empty {},
    }
}

pub fn tool_item(thread_id: &str, key: ItemKey, call: &ToolCallRecord, at: DateTime<Utc>) -> Item {
    let (title, content) = describe(call);
    Item::Tool {
        id: key.id(),
        thread_id: thread_id.to_owned(),
        created_at: at,
        task: ToolTask {
            title,
            content,
            status_indicator: "complete",
        },
    }
}

/// A tool call in a person's words: what it did (its title) and the tool's own error or the
/// task it touched (its content).
pub fn describe(call: &ToolCallRecord) -> (String, Option<String>) {
    let result = &call.result;
    if let Some(error) = result.get("error").and_then(Value::as_str) {
        return (format!("{} failed", call.name), Some(error.to_owned()));
    }
    let task = result.get("task").map(|task| {
        let title = task.get("title").and_then(Value::as_str).unwrap_or("");
        match task.get("id").and_then(Value::as_i64) {
            Some(n) => format!("#{n} {title}"),
            None => title.to_owned(),
        }
    });
    let verb = match call.name.as_str() {
        "add_task" => "Added a task",
        "complete_task" => "Completed a task",
        "delete_task" => "Deleted a task",
        "update_task" => "Updated a task",
        "list_tasks" => {
            let shown = result
                .get("tasks")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let total = result.get("total").and_then(Value::as_u64);
            return (
                format!("Listed tasks ({})", total.unwrap_or(shown as u64)),
                None,
            );
        }
        other => return (format!("Ran {other}"), None),
    };
    (verb.to_owned(), task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_ids_round_trip_and_order_within_a_message() {
        for id in ["msg_40", "msg_41_tool_0", "msg_41_tool_12"] {
            assert_eq!(ItemKey::parse(id).map(ItemKey::id).as_deref(), Some(id));
        }
        for bad in [
            "msg_",
            "msg_x",
            "thr_4",
            "msg_4_tool_",
            "msg_4_tool_x",
            "41",
        ] {
            assert_eq!(ItemKey::parse(bad), None, "{bad}");
        }
        let tool = ItemKey::parse("msg_41_tool_3").unwrap();
        let message = ItemKey::parse("msg_41").unwrap();
        assert!(tool < message && message < ItemKey::parse("msg_42_tool_0").unwrap());
        assert_eq!(conversation_of("thr_12"), Some(12));
        assert_eq!(conversation_of("12"), None);
    }

    #[test]
    fn tool_calls_are_described() {
        let call = |name: &str, result| ToolCallRecord {
            name: name.to_owned(),
            arguments: json!({}),
            result,
        };
        let added = call("add_task", json!({"task": {"id": 3, "title": "Buy milk"}}));
        assert_eq!(
            describe(&added),
            ("Added a task".to_owned(), Some("#3 Buy milk".to_owned()))
        );
        let failed = call(
            "delete_task",
            json!({"error": "Task 9 not found.", "code": "not_found"}),
        );
        assert_eq!(describe(&failed).0, "delete_task failed");
        let listed = call("list_tasks", json!({"tasks": [{}, {}], "total": 7}));
        assert_eq!(describe(&listed).0, "Listed tasks (7)");
    }
}

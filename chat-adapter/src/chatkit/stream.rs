//! A chat turn's events as ChatKit stream events. The turn is the one `/api/{user_id}/chat`
//! runs (same agent, models and tools); this only changes how its progress is told.

use chrono::Utc;
use serde_json::Value;

use super::{
    items::{ItemKey, Part, describe, thread_id, tool_item},
    protocol::{Event, Item, OutputText, Update},
};
use crate::agent::{ToolCallRecord, TurnEvent};

/// Follows one turn. Tool calls show as progress while the turn runs, and as task items once
/// the reply is stored under its id; reply text that arrives before that (a streaming model)
/// waits for the assistant item it belongs to.
pub struct Translator {
    conversation: i64,
    tool_calls: Vec<ToolCallRecord>,
    waiting_text: String,
    assistant: Option<ItemKey>,
}

impl Translator {
    pub fn new(conversation: i64) -> Self {
        Self {
            conversation,
            tool_calls: Vec::new(),
            waiting_text: String::new(),
            assistant: None,
        }
    }

    pub fn on(&mut self, event: TurnEvent) -> Vec<Event> {
        match event {
            TurnEvent::Conversation(_) => Vec::new(),
            TurnEvent::ToolCall(call) => {
                let (title, detail) = describe(&call);
                self.tool_calls.push(call);
                let text = match detail {
                    Some(detail) => format!("{title}: {detail}"),
                    None => title,
                };
                vec![Event::Progress { text }]
            }
            TurnEvent::Text(delta) => match self.assistant {
                Some(key) => vec![text_delta(key, delta)],
                None => {
                    self.waiting_text.push_str(&delta);
                    Vec::new()
                }
            },
            TurnEvent::Replied(message) => self.replied(message),
            TurnEvent::Finished(200, body) => match self.assistant {
                Some(key) => {
                    let text = OutputText::new(body["response"].as_str().unwrap_or_default());
                    vec![
                        Event::ItemUpdated {
                            item_id: key.id(),
                            update: Update::PartDone {
                                content_index: 0,
                                content: text.clone(),
                            },
                        },
                        Event::ItemDone {
                            item: Item::Assistant {
                                id: key.id(),
                                thread_id: thread_id(self.conversation),
                                created_at: Utc::now(),
                                content: vec![text],
                            },
                        },
                    ]
                }
                // A turn stopped by its client: nobody is listening.
                None => Vec::new(),
            },
            TurnEvent::Finished(_, body) => vec![failure(&body)],
        }
    }

    /// The reply is stored: its tool calls as finished items, then the assistant message,
    /// opened with any text that already arrived.
    fn replied(&mut self, message: i64) -> Vec<Event> {
        let thread = thread_id(self.conversation);
        let now = Utc::now();
        let mut events: Vec<Event> = self
            .tool_calls
            .iter()
            .enumerate()
            .map(|(n, call)| Event::ItemDone {
                item: tool_item(
                    &thread,
                    ItemKey {
                        message,
                        part: Part::Tool(n),
                    },
                    call,
                    now,
                ),
            })
            .collect();
        let key = ItemKey::of_message(message);
        self.assistant = Some(key);
        events.push(Event::ItemAdded {
            item: Item::Assistant {
                id: key.id(),
                thread_id: thread,
                created_at: now,
                content: Vec::new(),
            },
        });
        events.push(Event::ItemUpdated {
            item_id: key.id(),
            update: Update::PartAdded {
                content_index: 0,
                content: OutputText::new(""),
            },
        });
        let waiting = std::mem::take(&mut self.waiting_text);
        if !waiting.is_empty() {
            events.push(text_delta(key, waiting));
        }
        events
    }
}

fn text_delta(key: ItemKey, delta: String) -> Event {
    Event::ItemUpdated {
        item_id: key.id(),
        update: Update::TextDelta {
            content_index: 0,
            delta,
        },
    }
}

/// A failed turn as ChatKit's error event: the same sentence the chat endpoint answers, and a
/// retry offered only when the turn changed nothing.
pub fn failure(body: &Value) -> Event {
    Event::Error {
        code: "custom",
        message: body["detail"]
            .as_str()
            .unwrap_or("The turn failed; try again.")
            .to_owned(),
        allow_retry: body.get("tool_calls").is_none(),
    }
}

/// One Server-Sent Event frame.
pub fn frame(event: &Event) -> String {
    let data = serde_json::to_string(event).unwrap_or_else(|_| "{}".to_owned());
    format!("data: {data}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                let v = serde_json::to_value(e).unwrap();
                let update = v["update"]["type"].as_str().map(|u| format!(" {u}"));
                format!(
                    "{}{}",
                    v["type"].as_str().unwrap(),
                    update.unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn a_turn_becomes_progress_then_items() {
        let mut t = Translator::new(7);
        let mut events = t.on(TurnEvent::Conversation(7));
        events.extend(t.on(TurnEvent::ToolCall(ToolCallRecord {
            name: "add_task".into(),
            arguments: json!({"title": "Buy milk"}),
            result: json!({"task": {"id": 1, "title": "Buy milk"}}),
        })));
        // A streaming model's text comes before the reply is stored.
        events.extend(t.on(TurnEvent::Text("Added ".into())));
        events.extend(t.on(TurnEvent::Replied(42)));
        events.extend(t.on(TurnEvent::Text("'Buy milk'.".into())));
        events.extend(t.on(TurnEvent::Finished(
            200,
            json!({"conversation_id": 7, "response": "Added 'Buy milk'.", "tool_calls": []}),
        )));
        assert_eq!(
            kinds(&events),
            [
                "progress_update",
                "thread.item.done",
                "thread.item.added",
                "thread.item.updated assistant_message.content_part.added",
                "thread.item.updated assistant_message.content_part.text_delta",
                "thread.item.updated assistant_message.content_part.text_delta",
                "thread.item.updated assistant_message.content_part.done",
                "thread.item.done",
            ]
        );
        let done = serde_json::to_value(&events[1]).unwrap();
        assert_eq!(done["item"]["id"], "msg_42_tool_0");
        assert_eq!(done["item"]["thread_id"], "thr_7");
        let last = serde_json::to_value(events.last().unwrap()).unwrap();
        assert_eq!(last["item"]["id"], "msg_42");
        assert_eq!(last["item"]["content"][0]["text"], "Added 'Buy milk'.");
    }

    #[test]
    fn a_failed_turn_is_an_error_event_retryable_only_when_nothing_ran() {
        let mut t = Translator::new(1);
        let events = t.on(TurnEvent::Finished(
            503,
            json!({"detail": "The task service is down."}),
        ));
        let v = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(v["type"], "error");
        assert_eq!(v["message"], "The task service is down.");
        assert_eq!(v["allow_retry"], true);
        let ran = failure(&json!({"detail": "x", "tool_calls": [{}]}));
        assert_eq!(serde_json::to_value(ran).unwrap()["allow_retry"], false);
    }
}

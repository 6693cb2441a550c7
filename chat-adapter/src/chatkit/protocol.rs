//! The ChatKit wire format this server speaks: the requests it accepts and the threads, items,
//! pages and stream events it answers with. The shapes follow ChatKit's server SDK types
//! (`openai-chatkit`, `chatkit.types`); CI parses every answer with those types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A request this server handles, by its `type`; `params` holds the fields.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "params")]
pub enum Request {
    #[serde(rename = "threads.create")]
    CreateThread { input: UserInput },
    #[serde(rename = "threads.add_user_message")]
    AddUserMessage { thread_id: String, input: UserInput },
    #[serde(rename = "threads.retry_after_item")]
    RetryAfterItem { thread_id: String, item_id: String },
    #[serde(rename = "threads.get_by_id")]
    GetThread { thread_id: String },
    #[serde(rename = "threads.list")]
    ListThreads(ListParams),
    #[serde(rename = "items.list")]
    ListItems {
        thread_id: String,
        #[serde(flatten)]
        page: ListParams,
    },
    #[serde(rename = "threads.update")]
    UpdateThread { thread_id: String, title: String },
    #[serde(rename = "threads.delete")]
    DeleteThread { thread_id: String },
    #[serde(rename = "items.feedback")]
    Feedback {
        thread_id: String,
        item_ids: Vec<String>,
        kind: FeedbackKind,
    },
}

/// The request types ChatKit defines that this server refuses, and why.
pub fn refused(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "attachments.create" | "attachments.delete" => "this server takes no attachments",
        "input.transcribe" => "this server does not transcribe speech",
        "threads.add_client_tool_output" => "this server's agent uses no client tools",
        "threads.add_structured_input" => "this server asks for no structured input",
        "threads.custom_action" | "threads.sync_custom_action" => {
            "this server's items have no widget actions"
        }
        _ => return None,
    })
}

/// Whether a request answers with a stream of events rather than one JSON body.
impl Request {
    pub fn streams(&self) -> bool {
        matches!(
            self,
            Self::CreateThread { .. } | Self::AddUserMessage { .. } | Self::RetryAfterItem { .. }
        )
    }
}

#[derive(Debug, Deserialize)]
pub struct UserInput {
    pub content: Vec<UserContent>,
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Text the user quoted from an earlier item; it is sent to the model with the message.
    #[serde(default)]
    pub quoted_text: Option<String>,
}

impl UserInput {
    /// The message as the chat turn takes it: the text parts (a tag counts as its text), and
    /// a quoted passage in front as a quote.
    pub fn message(&self) -> String {
        let text: Vec<&str> = self
            .content
            .iter()
            .map(|part| match part {
                UserContent::Text { text } | UserContent::Tag { text } => text.as_str(),
            })
            .collect();
        let text = text.join(" ");
        match self.quoted_text.as_deref().map(str::trim) {
            Some(quote) if !quote.is_empty() => format!("> {quote}\n\n{text}"),
            _ => text,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub enum UserContent {
    #[serde(rename = "input_text")]
    Text { text: String },
    #[serde(rename = "input_tag")]
    Tag { text: String },
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub order: Order,
    #[serde(default)]
    pub after: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    #[default]
    Desc,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackKind {
    Positive,
    Negative,
}

impl FeedbackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
        }
    }
}

/// A page of a list; `after` is the cursor of the next page.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Self {
            data: Vec::new(),
            has_more: false,
            after: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Thread {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status: Status,
    pub items: Page<Item>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Status {
    Active,
}

/// A thread item. A stored user or assistant message is one item; each tool call of an
/// assistant turn is a `task` item before its message, so the ChatKit UI shows what ran.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type")]
pub enum Item {
    #[serde(rename = "user_message")]
    User {
        id: String,
        thread_id: String,
        created_at: DateTime<Utc>,
        content: Vec<UserText>,
        attachments: [(); 0],
        inference_options: Empty,
    },
    #[serde(rename = "assistant_message")]
    Assistant {
        id: String,
        thread_id: String,
        created_at: DateTime<Utc>,
        content: Vec<OutputText>,
    },
    #[serde(rename = "task")]
    Tool {
        id: String,
        thread_id: String,
        created_at: DateTime<Utc>,
        task: ToolTask,
    },
}

impl Item {
    pub fn id(&self) -> &str {
        match self {
            Self::User { id, .. } | Self::Assistant { id, .. } | Self::Tool { id, .. } => id,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Empty {}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename = "input_text")]
pub struct UserText {
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename = "output_text")]
pub struct OutputText {
    pub text: String,
    pub annotations: [(); 0],
}

impl OutputText {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            annotations: [],
        }
    }
}

/// A tool call shown as a finished custom task: what ran and what it did.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename = "custom")]
pub struct ToolTask {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub status_indicator: &'static str,
}

/// A Server-Sent Event of a streaming request (`data: <json>` frames).
#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "thread.created")]
    ThreadCreated { thread: Thread },
    #[serde(rename = "thread.item.added")]
    ItemAdded { item: Item },
    #[serde(rename = "thread.item.updated")]
    ItemUpdated { item_id: String, update: Update },
    #[serde(rename = "thread.item.done")]
    ItemDone { item: Item },
    #[serde(rename = "stream_options")]
    StreamOptions { stream_options: StreamOptions },
    #[serde(rename = "progress_update")]
    Progress { text: String },
    #[serde(rename = "error")]
    Error {
        code: &'static str,
        message: String,
        allow_retry: bool,
    },
}

#[derive(Debug, Serialize)]
pub struct StreamOptions {
    pub allow_cancel: bool,
}

/// How an assistant message grows while it streams.
#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub enum Update {
    #[serde(rename = "assistant_message.content_part.added")]
    PartAdded {
        content_index: usize,
        content: OutputText,
    },
    #[serde(rename = "assistant_message.content_part.text_delta")]
    TextDelta { content_index: usize, delta: String },
    #[serde(rename = "assistant_message.content_part.done")]
    PartDone {
        content_index: usize,
        content: OutputText,
    },
}

/// The `type` of a request body, read before the body is parsed as a [`Request`], so an
/// unknown or refused type gets its own answer.
pub fn request_type(body: &Value) -> Option<&str> {
    body.get("type").and_then(Value::as_str)
}

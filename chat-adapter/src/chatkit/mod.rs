//! ChatKit's server protocol at `POST /chatkit`, for the token's user: the requests a ChatKit
//! client sends with a custom backend. A thread is a conversation and its items are the
//! conversation's messages; a turn is the chat endpoint's turn, told as ChatKit events.
//! Another user's thread answers exactly like a missing one.

pub mod items;
pub mod protocol;
pub mod stream;

use std::sync::Arc;

use chrono::Utc;
use futures::StreamExt;
use http::{Response, StatusCode};
use serde_json::{Value, json};
use todo_common::{
    http::{self as h, Body},
    identity::UserId,
};

use self::{
    items::{ItemKey, conversation_of, items_of, thread, user_item},
    protocol::{Event, Item, ListParams, Order, Page, Request, StreamOptions, UserInput},
    stream::Translator,
};
use crate::{
    error::{ApiError, Result},
    http::{App, MAX_TITLE_CHARS, run_streaming, sse_response, valid_title},
    store::Conversation,
    turn::{self, ChatRequest, PendingTurn, Start},
};

/// Page sizes of thread and item lists: ChatKit's default, and the most one page holds.
const DEFAULT_PAGE: i64 = 20;
const MAX_PAGE: i64 = 500;

pub async fn serve(
    app: Arc<App>,
    caller: UserId,
    token: String,
    request_id: String,
    body: Value,
) -> Result<Response<Body>> {
    let request = parse(body)?;
    if request.streams() {
        app.admit_turn(&caller)?;
    }
    match request {
        Request::CreateThread { input } => {
            let started = turn::start(&app, &caller, chat_request(None, &input)?).await?;
            let pending = running(started)?;
            // Just stored: titled by its first message, as the store would read it back.
            let conversation =
                Conversation::new(pending.conversation(), pending.user_message().1, Utc::now());
            let created = Event::ThreadCreated {
                thread: thread(&conversation, Page::empty()),
            };
            Ok(stream_turn(app, pending, token, request_id, Some(created)))
        }
        Request::AddUserMessage { thread_id, input } => {
            let conversation = conversation_of(&thread_id).ok_or_else(|| not_found("thread"))?;
            let request = chat_request(Some(conversation), &input)?;
            // The turn's start checks the conversation is the caller's (404 otherwise).
            let started =
                turn::start(&app, &caller, request)
                    .await
                    .map_err(|e| match e.status {
                        StatusCode::NOT_FOUND => not_found("thread"),
                        _ => e,
                    })?;
            Ok(stream_turn(app, running(started)?, token, request_id, None))
        }
        Request::RetryAfterItem { thread_id, item_id } => {
            let conversation = owned_thread(&app, &caller, &thread_id).await?;
            let key = item_key(&item_id)?;
            let pending = turn::rewind(&app, &caller, conversation, key.message)
                .await
                .map_err(|_| not_found("item"))?;
            // Its user message is already in the thread.
            Ok(turn_events(app, pending, token, request_id, Vec::new()))
        }
        Request::GetThread { thread_id } => {
            let id = conversation_of(&thread_id).ok_or_else(|| not_found("thread"))?;
            let conversation = app
                .store
                .conversation(&caller, id)
                .await?
                .ok_or_else(|| not_found("thread"))?;
            let first = ListParams {
                order: Order::Asc,
                ..ListParams::default()
            };
            let items = item_page(&app, &caller, id, &first).await?;
            Ok(h::json(StatusCode::OK, &thread(&conversation, items)))
        }
        Request::ListThreads(page) => {
            let limit = page_limit(page.limit)?;
            let after = match page.after.as_deref() {
                Some(cursor) => Some(conversation_of(cursor).ok_or_else(|| bad_cursor("thread"))?),
                None => None,
            };
            let mut found = app
                .store
                .conversations_by_id(&caller, after, limit + 1, page.order == Order::Desc)
                .await?;
            let has_more = found.len() as i64 > limit;
            found.truncate(limit as usize);
            let threads = Page {
                after: found.last().map(|c| items::thread_id(c.id)),
                data: found.iter().map(|c| thread(c, Page::empty())).collect(),
                has_more,
            };
            Ok(h::json(StatusCode::OK, &threads))
        }
        Request::ListItems { thread_id, page } => {
            let conversation = owned_thread(&app, &caller, &thread_id).await?;
            let items = item_page(&app, &caller, conversation, &page).await?;
            Ok(h::json(StatusCode::OK, &items))
        }
        Request::UpdateThread { thread_id, title } => {
            let id = conversation_of(&thread_id).ok_or_else(|| not_found("thread"))?;
            let title = valid_title(&title).ok_or_else(|| {
                bad_request(format!(
                    "A thread title has 1 to {MAX_TITLE_CHARS} characters."
                ))
            })?;
            let renamed = app
                .store
                .rename_conversation(&caller, id, title)
                .await?
                .ok_or_else(|| not_found("thread"))?;
            Ok(h::json(StatusCode::OK, &thread(&renamed, Page::empty())))
        }
        Request::DeleteThread { thread_id } => {
            let id = conversation_of(&thread_id).ok_or_else(|| not_found("thread"))?;
            if !app.store.delete_conversation(&caller, id).await? {
                return Err(not_found("thread"));
            }
            Ok(h::json(StatusCode::OK, &json!({})))
        }
        Request::Feedback {
            thread_id,
            item_ids,
            kind,
        } => {
            let conversation = owned_thread(&app, &caller, &thread_id).await?;
            let mut messages = item_ids
                .iter()
                .map(|id| ItemKey::parse(id).map(|key| key.message))
                .collect::<Option<Vec<i64>>>()
                .ok_or_else(|| not_found("item"))?;
            messages.sort_unstable();
            messages.dedup();
            if messages.is_empty()
                || !app
                    .store
                    .record_feedback(&caller, conversation, &messages, kind.as_str())
                    .await?
            {
                return Err(not_found("item"));
            }
            Ok(h::json(StatusCode::OK, &json!({})))
        }
    }
}

/// The request, or 400 saying what is wrong: an unknown type, one this server refuses (and
/// why), or fields that do not fit the type.
fn parse(body: Value) -> Result<Request> {
    let kind = protocol::request_type(&body)
        .ok_or_else(|| bad_request("A ChatKit request needs a \"type\".".to_owned()))?
        .to_owned();
    if let Some(why) = protocol::refused(&kind) {
        return Err(bad_request(format!("{kind} is not supported: {why}.")));
    }
    serde_json::from_value(body).map_err(|e| {
        if e.to_string().starts_with("unknown variant") {
            bad_request(format!(
                "{kind} is not a ChatKit request this server knows."
            ))
        } else {
            bad_request(format!("Invalid {kind} request: {e}."))
        }
    })
}

/// A ChatKit message as a chat request, checked as the chat endpoint checks it.
fn chat_request(conversation: Option<i64>, input: &UserInput) -> Result<ChatRequest> {
    if !input.attachments.is_empty() {
        return Err(bad_request(
            "This server takes no attachments; send the message as text.".to_owned(),
        ));
    }
    ChatRequest::parse(json!({ "conversation_id": conversation, "message": input.message() }))
        .map_err(|e| bad_request(e.detail))
}

/// ChatKit requests carry no client message id, so a turn always runs.
fn running(started: Start) -> Result<PendingTurn> {
    match started {
        Start::Run(pending) => Ok(pending),
        Start::Replay { .. } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "This message was already answered.",
        )),
    }
}

/// The stream of a new message's turn: the new thread (for `threads.create`), the stored
/// user message, the stream options, then the turn's events.
fn stream_turn(
    app: Arc<App>,
    pending: PendingTurn,
    token: String,
    request_id: String,
    created: Option<Event>,
) -> Response<Body> {
    let (id, text) = pending.user_message();
    let user = Event::ItemDone {
        item: user_item(pending.conversation(), id, text, Utc::now()),
    };
    let opening: Vec<Event> = created.into_iter().chain([user]).collect();
    turn_events(app, pending, token, request_id, opening)
}

fn turn_events(
    app: Arc<App>,
    pending: PendingTurn,
    token: String,
    request_id: String,
    mut opening: Vec<Event>,
) -> Response<Body> {
    let mut translator = Translator::new(pending.conversation());
    opening.push(Event::StreamOptions {
        stream_options: StreamOptions { allow_cancel: true },
    });
    // The opening events in one write.
    let opening: String = opening.iter().map(stream::frame).collect();
    let events = run_streaming(app, pending, token, request_id);
    let rest = futures::stream::unfold(Some(events), |events| async move {
        let mut events = events?;
        let event = events.recv().await?;
        let last = matches!(event, crate::agent::TurnEvent::Finished(..));
        Some((event, (!last).then_some(events)))
    })
    .map(move |event| {
        translator
            .on(event)
            .iter()
            .map(stream::frame)
            .collect::<String>()
    })
    .filter(|frames| futures::future::ready(!frames.is_empty()));
    sse_response(futures::stream::once(futures::future::ready(opening)).chain(rest))
}

/// A page of a thread's items from the cursor item on, in the order asked for.
async fn item_page(
    app: &App,
    caller: &UserId,
    conversation: i64,
    page: &ListParams,
) -> Result<Page<Item>> {
    let limit = page_limit(page.limit)?;
    let cursor = match page.after.as_deref() {
        Some(id) => Some(ItemKey::parse(id).ok_or_else(|| bad_cursor("item"))?),
        None => None,
    };
    let newest_first = page.order == Order::Desc;
    // A message holds one item or more, so `limit + 1` messages past the cursor's own hold
    // more than a page: enough to know whether another page follows.
    let messages = app
        .store
        .messages_from(
            caller,
            conversation,
            cursor.map(|key| key.message),
            limit + 2,
            newest_first,
        )
        .await?;
    let mut found: Vec<(ItemKey, Item)> = messages
        .iter()
        .flat_map(|message| items_of(conversation, message))
        .filter(|(key, _)| match cursor {
            None => true,
            Some(cursor) if newest_first => *key < cursor,
            Some(cursor) => *key > cursor,
        })
        .collect();
    found.sort_by_key(|(key, _)| *key);
    if newest_first {
        found.reverse();
    }
    let has_more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    Ok(Page {
        after: found.last().map(|(key, _)| key.id()),
        data: found.into_iter().map(|(_, item)| item).collect(),
        has_more,
    })
}

/// The conversation of a thread of the caller's; 404 otherwise.
async fn owned_thread(app: &App, caller: &UserId, thread_id: &str) -> Result<i64> {
    match conversation_of(thread_id) {
        Some(id) if app.store.owns_conversation(caller, id).await? => Ok(id),
        _ => Err(not_found("thread")),
    }
}

fn item_key(id: &str) -> Result<ItemKey> {
    ItemKey::parse(id).ok_or_else(|| not_found("item"))
}

fn page_limit(limit: Option<i64>) -> Result<i64> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(bad_request(format!(
            "limit must be a number from 1 to {MAX_PAGE}."
        ))),
    }
}

/// The same answer for a thread or item that does not exist and for another user's.
fn not_found(what: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("No such {what}."))
}

fn bad_cursor(what: &str) -> ApiError {
    bad_request(format!(
        "after must be a {what} id from an earlier page of this list."
    ))
}

fn bad_request(detail: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, detail)
}

//! Conversations and messages: the only state of a chat turn, kept in the database so any
//! replica, or a restarted one, continues any conversation.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use todo_common::{database::Db, identity::UserId, with_pool};

use crate::agent::ToolCallRecord;

#[derive(Debug, thiserror::Error)]
#[error("conversation storage failed: {0}")]
pub struct StoreError(#[from] sqlx::Error);

// Every file of `migrations/postgres` and `migrations/sqlite`, oldest first.
todo_common::service_migrations! {
    table: "_todo_chat_migrations",
    files: [
        "20261124000002_conversations.sql",
        "20261126000003_message_memo.sql",
        "20261126000004_titles_and_turns.sql",
        "20261126000005_feedback.sql",
        "20261126000006_conversation_counts.sql",
    ],
}

todo_common::row_struct! {
    #[derive(Clone, Debug, Serialize)]
    pub struct Conversation {
        pub id: i64,
        /// The user's rename, else the first user message (shortened); `None` while empty.
        pub title: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }
}

/// A query of conversations with their titles (the user's rename, else the first user
/// message), ending in `$tail` (the conditions and order).
macro_rules! select_conversations {
    ($tail:literal) => {
        concat!(
            "SELECT c.id, COALESCE(c.title, (SELECT m.content FROM messages m \
             WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.id LIMIT 1)) AS title, \
             c.created_at, c.updated_at FROM conversations c ",
            $tail
        )
    };
}

/// Characters of a first message shown as a conversation's title.
const TITLE_FROM_MESSAGE_CHARS: usize = 60;

impl Conversation {
    /// A conversation as it reads right after its first message was stored.
    pub fn new(id: i64, first_message: &str, at: DateTime<Utc>) -> Self {
        Self {
            id,
            title: Some(first_message.to_owned()),
            created_at: at,
            updated_at: at,
        }
        .shortened()
    }

    fn shortened(mut self) -> Self {
        self.title = self.title.map(|title| {
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            match title.char_indices().nth(TITLE_FROM_MESSAGE_CHARS) {
                Some((cut, _)) => format!("{}…", title[..cut].trim_end()),
                None => title,
            }
        });
        self
    }
}

/// How a turn starts (see [`ChatStore::begin_turn`]).
#[derive(Debug)]
pub enum Begin {
    /// The user message is stored (now, or by an earlier attempt of the same turn that did not
    /// finish); run the turn.
    Run {
        conversation: i64,
        /// The conversation was created by this turn: nothing precedes the user message.
        new_conversation: bool,
        user_message: i64,
    },
    /// An earlier attempt finished: its answer, to send again.
    Finished {
        status: u16,
        answer: serde_json::Value,
    },
    /// An earlier attempt is still running.
    Running,
    /// The conversation is not the user's (or does not exist).
    NoSuchConversation,
    /// A new conversation would pass the user's quota.
    TooManyConversations,
}

/// How a finished turn is recorded for retries (see [`ChatStore::finish_turn`]).
#[derive(Debug)]
pub enum Outcome<'a> {
    /// The answer a retry gets.
    Answered {
        status: u16,
        answer: &'a serde_json::Value,
    },
    /// Failed before anything changed: a retry runs the turn again.
    Retryable,
}

/// The assistant message that ends a turn.
#[derive(Debug)]
pub struct Reply<'a> {
    pub content: &'a str,
    pub tool_calls: &'a [ToolCallRecord],
    pub memo: Option<&'a serde_json::Value>,
}

todo_common::row_struct! {
    struct TurnRow {
        conversation_id: i64,
        user_message_id: i64,
        state: String,
        status: Option<i32>,
        answer: Option<String>,
        started_at: DateTime<Utc>,
    }
}

todo_common::row_struct! {
    /// A stored message. `tool_calls` is kept as the JSON text it was stored as.
    #[derive(Clone, Debug)]
    pub struct StoredMessage {
        pub id: i64,
        pub role: String,
        pub content: String,
        pub tool_calls: Option<String>,
        /// The model's memo for an assistant reply (JSON), see `ModelTurn::Reply`.
        pub memo: Option<String>,
        pub created_at: DateTime<Utc>,
    }
}

impl StoredMessage {
    pub fn tool_calls(&self) -> Vec<ToolCallRecord> {
        self.tool_calls
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    pub fn memo(&self) -> Option<serde_json::Value> {
        self.memo
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }
}

#[derive(Clone, Debug)]
pub struct ChatStore {
    db: Db,
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl ChatStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn create_conversation(&self, owner: &UserId) -> Result<i64, StoreError> {
        const SQL: &str = "INSERT INTO conversations (user_id, created_at, updated_at) \
                           VALUES ($1, $2, $2) RETURNING id";
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_scalar(SQL)
            .bind(owner.as_str())
            .bind(at)
            .fetch_one(pool)
            .await?))
    }

    /// Whether `owner` has this conversation; another user's answers like a missing one.
    pub async fn owns_conversation(&self, owner: &UserId, id: i64) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT id FROM conversations WHERE id = $1 AND user_id = $2";
        let found: Option<i64> = with_pool!(&self.db, pool => sqlx::query_scalar(SQL)
            .bind(id)
            .bind(owner.as_str())
            .fetch_optional(pool)
            .await?);
        Ok(found.is_some())
    }

    pub async fn conversations(
        &self,
        owner: &UserId,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError> {
        const SQL: &str = select_conversations!(
            "WHERE c.user_id = $1 \
             ORDER BY c.updated_at DESC, c.id DESC LIMIT $2"
        );
        let rows: Vec<Conversation> = with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(owner.as_str())
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(Conversation::shortened).collect())
    }

    /// The user's conversation; `None` if it is not theirs.
    pub async fn conversation(
        &self,
        owner: &UserId,
        id: i64,
    ) -> Result<Option<Conversation>, StoreError> {
        const SQL: &str = select_conversations!("WHERE c.id = $1 AND c.user_id = $2");
        let row: Option<Conversation> = with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(id)
            .bind(owner.as_str())
            .fetch_optional(pool)
            .await?);
        Ok(row.map(Conversation::shortened))
    }

    /// Up to `limit` of the user's conversations in the order they were started, past the
    /// conversation `after` (a stable cursor: a conversation's id never changes).
    pub async fn conversations_by_id(
        &self,
        owner: &UserId,
        after: Option<i64>,
        limit: i64,
        newest_first: bool,
    ) -> Result<Vec<Conversation>, StoreError> {
        const NEWEST: &str =
            select_conversations!("WHERE c.user_id = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3");
        const OLDEST: &str =
            select_conversations!("WHERE c.user_id = $1 AND c.id > $2 ORDER BY c.id ASC LIMIT $3");
        let (sql, start) = if newest_first {
            (NEWEST, after.unwrap_or(i64::MAX))
        } else {
            (OLDEST, after.unwrap_or(i64::MIN))
        };
        let rows: Vec<Conversation> = with_pool!(&self.db, pool => sqlx::query_as(sql)
            .bind(owner.as_str())
            .bind(start)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(Conversation::shortened).collect())
    }

    /// Renames the user's conversation; `None` if it is not theirs.
    pub async fn rename_conversation(
        &self,
        owner: &UserId,
        id: i64,
        title: &str,
    ) -> Result<Option<Conversation>, StoreError> {
        const SQL: &str = "UPDATE conversations SET title = $3 WHERE id = $1 AND user_id = $2 \
             RETURNING id, title, created_at, updated_at";
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(id)
            .bind(owner.as_str())
            .bind(title)
            .fetch_optional(pool)
            .await?))
    }

    /// Deletes the user's conversation with its messages; `false` if it is not theirs.
    pub async fn delete_conversation(&self, owner: &UserId, id: i64) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM conversations WHERE id = $1 AND user_id = $2";
        let done = with_pool!(&self.db, pool => sqlx::query(SQL)
            .bind(id)
            .bind(owner.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    /// The last `limit` messages before message `before` (all, when `None`), in order: the
    /// history window, and the pages of the messages endpoint. The index on
    /// `(conversation_id, id)` keeps this cost flat however long the conversation grows.
    pub async fn recent_messages(
        &self,
        owner: &UserId,
        conversation: i64,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        // Ids are whole numbers: before `before` is from `before - 1` down.
        let from = before.map(|id| id.saturating_sub(1));
        let mut rows = self
            .messages_from(owner, conversation, from, limit, true)
            .await?;
        rows.reverse();
        Ok(rows)
    }

    /// Up to `limit` messages of the user's conversation from message `from` on (including it),
    /// oldest or newest first: the history window, and the pages of every message list.
    pub async fn messages_from(
        &self,
        owner: &UserId,
        conversation: i64,
        from: Option<i64>,
        limit: i64,
        newest_first: bool,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        const NEWEST: &str = "SELECT id, role, content, tool_calls, memo, created_at FROM messages \
             WHERE conversation_id = $1 AND user_id = $2 AND id <= $3 ORDER BY id DESC LIMIT $4";
        const OLDEST: &str = "SELECT id, role, content, tool_calls, memo, created_at FROM messages \
             WHERE conversation_id = $1 AND user_id = $2 AND id >= $3 ORDER BY id ASC LIMIT $4";
        let (sql, start) = if newest_first {
            (NEWEST, from.unwrap_or(i64::MAX))
        } else {
            (OLDEST, from.unwrap_or(i64::MIN))
        };
        Ok(with_pool!(&self.db, pool => sqlx::query_as(sql)
            .bind(conversation)
            .bind(owner.as_str())
            .bind(start)
            .bind(limit)
            .fetch_all(pool)
            .await?))
    }

    /// Takes a conversation back to one of its user messages: deletes every later message (and
    /// the retry records of their turns) in one transaction and returns that message's text;
    /// `None`, changing nothing, when it is not a user message of the user's conversation.
    pub async fn rewind_to(
        &self,
        owner: &UserId,
        conversation: i64,
        message: i64,
    ) -> Result<Option<String>, StoreError> {
        const FIND: &str = "SELECT content FROM messages WHERE id = $1 AND conversation_id = $2 \
             AND user_id = $3 AND role = 'user'";
        const DELETE: &str = "DELETE FROM messages WHERE conversation_id = $1 AND id > $2";
        const FORGET: &str =
            "DELETE FROM turns WHERE conversation_id = $1 AND user_message_id > $2";
        Ok(with_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let content: Option<String> = sqlx::query_scalar(FIND)
                .bind(message)
                .bind(conversation)
                .bind(owner.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if content.is_some() {
                sqlx::query(DELETE).bind(conversation).bind(message).execute(&mut *tx).await?;
                sqlx::query(FORGET).bind(conversation).bind(message).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            content
        }))
    }

    /// Records the user's feedback on messages of their conversation (the latest kind wins);
    /// `false`, recording nothing, when one of them is not a message of that conversation.
    pub async fn record_feedback(
        &self,
        owner: &UserId,
        conversation: i64,
        messages: &[i64],
        kind: &str,
    ) -> Result<bool, StoreError> {
        const FIND: &str =
            "SELECT id FROM messages WHERE id = $1 AND conversation_id = $2 AND user_id = $3";
        const RECORD: &str = "INSERT INTO feedback (message_id, user_id, kind, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) \
             DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at";
        let at = now();
        Ok(with_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let mut all_found = true;
            for &message in messages {
                let found: Option<i64> = sqlx::query_scalar(FIND)
                    .bind(message)
                    .bind(conversation)
                    .bind(owner.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    all_found = false;
                    break;
                }
                sqlx::query(RECORD)
                    .bind(message)
                    .bind(owner.as_str())
                    .bind(kind)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            if all_found {
                tx.commit().await?;
            }
            all_found
        }))
    }

    /// Starts a turn in one transaction: checks the conversation is the user's (or creates
    /// one), stores the user message, and, with a `client_message_id`, claims the turn so a
    /// retry of it never runs it twice. A claim older than `stale_after` belongs to an attempt
    /// that died (every attempt ends by its deadline), so a retry takes it over and runs the
    /// turn on the message already stored.
    pub async fn begin_turn(
        &self,
        owner: &UserId,
        conversation: Option<i64>,
        message: &str,
        client_message_id: Option<&str>,
        stale_after: chrono::Duration,
        max_conversations: i64,
    ) -> Result<Begin, StoreError> {
        const FIND: &str = "SELECT conversation_id, user_message_id, state, status, answer, \
             started_at FROM turns WHERE user_id = $1 AND client_message_id = $2";
        const TAKE_OVER: &str = "UPDATE turns SET state = 'running', started_at = $3 \
             WHERE user_id = $1 AND client_message_id = $2 AND state = $4 AND started_at = $5";
        // A new conversation only below the user's quota (`conversation_counts` is kept by a
        // trigger).
        const CREATE: &str = "INSERT INTO conversations (user_id, created_at, updated_at) \
             SELECT $1, $2, $2 WHERE COALESCE((SELECT conversations FROM conversation_counts \
             WHERE user_id = $1), 0) < $3 RETURNING id";
        const TOUCH: &str =
            "UPDATE conversations SET updated_at = $3 WHERE id = $1 AND user_id = $2";
        const INSERT: &str = "INSERT INTO messages \
             (user_id, conversation_id, role, content, created_at) \
             VALUES ($1, $2, 'user', $3, $4) RETURNING id";
        const CLAIM: &str = "INSERT INTO turns (user_id, client_message_id, conversation_id, \
             user_message_id, state, started_at) VALUES ($1, $2, $3, $4, 'running', $5) \
             ON CONFLICT (user_id, client_message_id) DO NOTHING";
        let at = now();
        Ok(with_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let earlier: Option<TurnRow> = match client_message_id {
                Some(id) => sqlx::query_as(FIND)
                    .bind(owner.as_str())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?,
                None => None,
            };
            match (earlier, client_message_id) {
                (Some(turn), _) if turn.state == "done" => Begin::Finished {
                    status: turn.status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
                    answer: turn
                        .answer
                        .as_deref()
                        .and_then(|a| serde_json::from_str(a).ok())
                        .unwrap_or_default(),
                },
                (Some(turn), _)
                    if turn.state == "running" && at - turn.started_at < stale_after =>
                {
                    Begin::Running
                }
                (Some(turn), Some(id)) => {
                    let taken = sqlx::query(TAKE_OVER)
                        .bind(owner.as_str())
                        .bind(id)
                        .bind(at)
                        .bind(&turn.state)
                        .bind(turn.started_at)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    tx.commit().await?;
                    if taken == 0 {
                        Begin::Running
                    } else {
                        Begin::Run {
                            conversation: turn.conversation_id,
                            new_conversation: false,
                            user_message: turn.user_message_id,
                        }
                    }
                }
                _ => {
                    let created = conversation.is_none();
                    let conversation = match conversation {
                        Some(id) => {
                            let touched = sqlx::query(TOUCH)
                                .bind(id)
                                .bind(owner.as_str())
                                .bind(at)
                                .execute(&mut *tx)
                                .await?
                                .rows_affected();
                            (touched > 0).then_some(id)
                        }
                        None => {
                            let created: Option<i64> = sqlx::query_scalar(CREATE)
                                .bind(owner.as_str())
                                .bind(at)
                                .bind(max_conversations)
                                .fetch_optional(&mut *tx)
                                .await?;
                            if created.is_none() {
                                return Ok(Begin::TooManyConversations);
                            }
                            created
                        }
                    };
                    match conversation {
                        None => Begin::NoSuchConversation,
                        Some(conversation) => {
                            let user_message: i64 = sqlx::query_scalar(INSERT)
                                .bind(owner.as_str())
                                .bind(conversation)
                                .bind(message)
                                .bind(at)
                                .fetch_one(&mut *tx)
                                .await?;
                            let claimed = match client_message_id {
                                Some(id) => {
                                    sqlx::query(CLAIM)
                                        .bind(owner.as_str())
                                        .bind(id)
                                        .bind(conversation)
                                        .bind(user_message)
                                        .bind(at)
                                        .execute(&mut *tx)
                                        .await?
                                        .rows_affected()
                                        > 0
                                }
                                None => true,
                            };
                            if claimed {
                                tx.commit().await?;
                                Begin::Run {
                                    conversation,
                                    new_conversation: created,
                                    user_message,
                                }
                            } else {
                                // A concurrent attempt claimed it first; store nothing.
                                tx.rollback().await?;
                                Begin::Running
                            }
                        }
                    }
                }
            }
        }))
    }

    /// Ends a turn in one transaction: stores the assistant message (when there is one) and,
    /// for a claimed turn, records what a retry of it gets. Returns the assistant message's id.
    pub async fn finish_turn(
        &self,
        owner: &UserId,
        conversation: i64,
        reply: Option<Reply<'_>>,
        claim: Option<(&str, Outcome<'_>)>,
    ) -> Result<Option<i64>, StoreError> {
        const INSERT: &str = "INSERT INTO messages \
             (user_id, conversation_id, role, content, tool_calls, memo, created_at) \
             VALUES ($1, $2, 'assistant', $3, $4, $5, $6) RETURNING id";
        const RECORD: &str = "UPDATE turns SET state = $3, status = $4, answer = $5 \
             WHERE user_id = $1 AND client_message_id = $2";
        let at = now();
        // The conversation's `updated_at` was set when the turn began; the reply follows
        // within the turn's deadline, so it is not set again.
        let message = reply.map(|reply| {
            let calls = (!reply.tool_calls.is_empty())
                .then(|| serde_json::to_string(reply.tool_calls).unwrap_or_default());
            (
                reply.content,
                calls,
                reply.memo.map(serde_json::Value::to_string),
            )
        });
        let record = claim.map(|(id, outcome)| match outcome {
            Outcome::Answered { status, answer } => (
                id,
                "done",
                Some(i32::from(status)),
                Some(answer.to_string()),
            ),
            Outcome::Retryable => (id, "retry", None, None),
        });
        macro_rules! insert {
            ($content:expr, $calls:expr, $memo:expr) => {
                sqlx::query_scalar(INSERT)
                    .bind(owner.as_str())
                    .bind(conversation)
                    .bind($content)
                    .bind($calls)
                    .bind($memo)
                    .bind(at)
            };
        }
        macro_rules! record {
            ($id:expr, $state:expr, $status:expr, $answer:expr) => {
                sqlx::query(RECORD)
                    .bind(owner.as_str())
                    .bind($id)
                    .bind($state)
                    .bind($status)
                    .bind($answer)
            };
        }
        // One statement runs on its own; only both together need a transaction.
        Ok(with_pool!(&self.db, pool => match (message, record) {
            (None, None) => None,
            (Some((content, calls, memo)), None) => {
                Some(insert!(content, calls, memo).fetch_one(pool).await?)
            }
            (None, Some((id, state, status, answer))) => {
                record!(id, state, status, answer).execute(pool).await?;
                None
            }
            (Some((content, calls, memo)), Some((id, state, status, answer))) => {
                let mut tx = pool.begin().await?;
                let stored: i64 = insert!(content, calls, memo).fetch_one(&mut *tx).await?;
                record!(id, state, status, answer).execute(&mut *tx).await?;
                tx.commit().await?;
                Some(stored)
            }
        }))
    }
}

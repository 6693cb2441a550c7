//! Conversations and messages: the only state of a chat turn, kept in the database so any
//! replica, or a restarted one, continues any conversation.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use todo_common::{
    database::{Db, Migrations},
    identity::UserId,
    with_pool,
};

use crate::agent::ToolCallRecord;

#[derive(Debug, thiserror::Error)]
#[error("conversation storage failed: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub fn migrations() -> Migrations {
    Migrations::new(
        "_todo_chat_migrations",
        sqlx::migrate!("migrations/postgres"),
        sqlx::migrate!("migrations/sqlite"),
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Conversation {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored message. `tool_calls` is kept as the JSON text it was stored as.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredMessage {
    pub role: String,
    pub content: String,
    pub tool_calls: Option<String>,
    /// The model's memo for an assistant reply (JSON), see `ModelTurn::Reply`.
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
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

    pub async fn conversations(&self, owner: &UserId) -> Result<Vec<Conversation>, StoreError> {
        const SQL: &str = "SELECT id, created_at, updated_at FROM conversations \
                           WHERE user_id = $1 ORDER BY updated_at DESC, id DESC";
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(owner.as_str())
            .fetch_all(pool)
            .await?))
    }

    /// The last `limit` messages in order: the history window. The index on
    /// `(conversation_id, id)` keeps this cost flat however long the conversation grows.
    pub async fn recent_messages(
        &self,
        owner: &UserId,
        conversation: i64,
        limit: i64,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        const SQL: &str = "SELECT role, content, tool_calls, memo, created_at FROM messages \
                           WHERE conversation_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3";
        let mut rows: Vec<StoredMessage> = with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(conversation)
            .bind(owner.as_str())
            .bind(limit)
            .fetch_all(pool)
            .await?);
        rows.reverse();
        Ok(rows)
    }

    pub async fn messages(
        &self,
        owner: &UserId,
        conversation: i64,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        self.recent_messages(owner, conversation, i64::MAX).await
    }

    /// Appends a message and marks the conversation as recently used, atomically.
    pub async fn append(
        &self,
        owner: &UserId,
        conversation: i64,
        role: Role,
        content: &str,
        tool_calls: &[ToolCallRecord],
        memo: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        const INSERT: &str = "INSERT INTO messages \
             (user_id, conversation_id, role, content, tool_calls, memo, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)";
        const TOUCH: &str = "UPDATE conversations SET updated_at = $2 WHERE id = $1";
        let calls =
            (!tool_calls.is_empty()).then(|| serde_json::to_string(tool_calls).unwrap_or_default());
        let memo = memo.map(serde_json::Value::to_string);
        let at = now();
        with_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(INSERT)
                .bind(owner.as_str())
                .bind(conversation)
                .bind(role.as_str())
                .bind(content)
                .bind(calls.as_deref())
                .bind(memo.as_deref())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(TOUCH).bind(conversation).bind(at).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}

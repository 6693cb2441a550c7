//! Task storage. One set of SQL statements serves PostgreSQL and SQLite (both take `$n`
//! placeholders and `RETURNING`). Every statement is scoped by `user_id`, so another user's
//! task is indistinguishable from a missing one, and every change is a single statement, so
//! concurrent calls can neither lose nor duplicate a write.

use chrono::{DateTime, SubsecRound, Utc};
use todo_common::{
    database::{Db, Migrations},
    identity::UserId,
    with_pool,
};

use crate::task::{Description, StatusFilter, Task, TaskChanges, Title};

/// The columns a [`Task`] is read from, as a literal so statements stay `&'static str`.
macro_rules! task_columns {
    () => {
        "id, title, description, completed, created_at, updated_at"
    };
}

#[derive(Debug, thiserror::Error)]
#[error("task storage failed: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub fn migrations() -> Migrations {
    Migrations::new(
        "_todo_mcp_migrations",
        sqlx::migrate!("migrations/postgres"),
        sqlx::migrate!("migrations/sqlite"),
    )
}

#[derive(Clone, Debug)]
pub struct TaskStore {
    db: Db,
}

/// Timestamps are taken here, at PostgreSQL's microsecond precision, so both backends store
/// and return the same values.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl TaskStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn add(
        &self,
        owner: &UserId,
        title: &Title,
        description: &Description,
    ) -> Result<Task, StoreError> {
        const SQL: &str = concat!(
            "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) \
             VALUES ($1, $2, $3, FALSE, $4, $4) RETURNING ",
            task_columns!()
        );
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(owner.as_str())
            .bind(title.as_str())
            .bind(description.as_deref())
            .bind(at)
            .fetch_one(pool)
            .await?))
    }

    pub async fn list(
        &self,
        owner: &UserId,
        filter: StatusFilter,
    ) -> Result<Vec<Task>, StoreError> {
        let completed = match filter {
            StatusFilter::All => None,
            StatusFilter::Pending => Some(false),
            StatusFilter::Completed => Some(true),
        };
        Ok(match completed {
            None => {
                const SQL: &str = concat!(
                    "SELECT ",
                    task_columns!(),
                    " FROM tasks WHERE user_id = $1 ORDER BY id"
                );
                with_pool!(&self.db, pool => sqlx::query_as(SQL)
                    .bind(owner.as_str())
                    .fetch_all(pool)
                    .await?)
            }
            Some(completed) => {
                const SQL: &str = concat!(
                    "SELECT ",
                    task_columns!(),
                    " FROM tasks WHERE user_id = $1 AND completed = $2 ORDER BY id"
                );
                with_pool!(&self.db, pool => sqlx::query_as(SQL)
                    .bind(owner.as_str())
                    .bind(completed)
                    .fetch_all(pool)
                    .await?)
            }
        })
    }

    /// Marks the task completed; completing a completed task changes nothing.
    pub async fn complete(&self, owner: &UserId, id: i64) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "UPDATE tasks SET completed = TRUE, \
             updated_at = CASE WHEN completed THEN updated_at ELSE $3 END \
             WHERE id = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(id)
            .bind(owner.as_str())
            .bind(at)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn delete(&self, owner: &UserId, id: i64) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "DELETE FROM tasks WHERE id = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(id)
            .bind(owner.as_str())
            .fetch_optional(pool)
            .await?))
    }

    /// Changes whichever of title, description and completion `changes` carries (completed
    /// `false` reopens the task); `updated_at` is set on every successful update.
    pub async fn update(
        &self,
        owner: &UserId,
        id: i64,
        changes: &TaskChanges,
    ) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "UPDATE tasks SET title = COALESCE($3, title), \
             description = CASE WHEN $4 THEN $5 ELSE description END, \
             completed = COALESCE($6, completed), updated_at = $7 \
             WHERE id = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        let title = changes.title.as_ref().map(Title::as_str);
        let description = changes.description.as_ref().and_then(Description::as_deref);
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(id)
            .bind(owner.as_str())
            .bind(title)
            .bind(changes.description.is_some())
            .bind(description)
            .bind(changes.completed)
            .bind(at)
            .fetch_optional(pool)
            .await?))
    }
}

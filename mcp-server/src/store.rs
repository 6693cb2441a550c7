//! Task storage. One set of SQL statements serves PostgreSQL and SQLite (both take `$n`
//! placeholders, `RETURNING` and `ON CONFLICT ... DO UPDATE`). Every statement is scoped by
//! `user_id`, so another user's task is indistinguishable from a missing one, and every change
//! is a single statement (an add is two: a counter bump, then the insert), so concurrent calls
//! can neither lose nor duplicate a write.
//!
//! A task's public number (`id` in a [`Task`], `task_id` in the tools) is the user's own:
//! 1, 2, 3… per user, never reused after a delete. It is the `number` column, handed out by
//! the user's row in `task_counters`; the table's `id` is internal and never leaves here.

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use todo_common::{
    database::{Db, Migrations},
    identity::UserId,
    with_pool,
};

use crate::task::{Description, StatusFilter, Task, TaskChanges, Title};

/// The columns a [`Task`] is read from, as a literal so statements stay `&'static str`. The
/// public `id` is the user's own task number.
macro_rules! task_columns {
    () => {
        "number AS id, title, description, completed, created_at, updated_at"
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
    /// PostgreSQL only: connections that commit without waiting for the disk, used for the
    /// counter bump alone (see [`TaskStore::add`]).
    counters: Option<PgPool>,
}

/// Connections for counter bumps: each holds a counter row for one short statement.
const COUNTER_CONNECTIONS: u32 = 4;
const COUNTER_ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Timestamps are taken here, at PostgreSQL's microsecond precision, so both backends store
/// and return the same values.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl TaskStore {
    pub fn new(db: Db) -> Self {
        let counters = match &db {
            Db::Postgres(pool) => {
                let options = (*pool.connect_options())
                    .clone()
                    .options([("synchronous_commit", "off")]);
                Some(
                    PgPoolOptions::new()
                        .max_connections(COUNTER_CONNECTIONS)
                        .acquire_timeout(COUNTER_ACQUIRE_TIMEOUT)
                        .connect_lazy_with(options),
                )
            }
            Db::Sqlite(_) => None,
        };
        Self { db, counters }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Adds a task under the user's next number, never handed out before.
    ///
    /// PostgreSQL: the counter bump is its own statement on a connection that commits without
    /// waiting for the disk, so the user's counter row is locked for one statement, not for a
    /// durable commit, and one user's concurrent adds still share group commits. That is safe
    /// because the WAL is written in order: the task insert's durable commit flushes the bump
    /// before it; a crash can lose a bump only if no task was stored under it. A failed insert
    /// leaves a gap, never a reuse.
    ///
    /// SQLite: one writer at a time anyway, so both statements share one transaction.
    pub async fn add(
        &self,
        owner: &UserId,
        title: &Title,
        description: &Description,
    ) -> Result<Task, StoreError> {
        const NEXT_NUMBER: &str = "INSERT INTO task_counters (user_id, last_number) \
             VALUES ($1, 1) ON CONFLICT (user_id) \
             DO UPDATE SET last_number = task_counters.last_number + 1 RETURNING last_number";
        const INSERT: &str = concat!(
            "INSERT INTO tasks \
             (user_id, number, title, description, completed, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING ",
            task_columns!()
        );
        let at = now();
        match (&self.db, &self.counters) {
            (Db::Postgres(pool), Some(counters)) => {
                let number: i64 = sqlx::query_scalar(NEXT_NUMBER)
                    .bind(owner.as_str())
                    .fetch_one(counters)
                    .await?;
                Ok(sqlx::query_as(INSERT)
                    .bind(owner.as_str())
                    .bind(number)
                    .bind(title.as_str())
                    .bind(description.as_deref())
                    .bind(at)
                    .fetch_one(pool)
                    .await?)
            }
            _ => Ok(with_pool!(&self.db, pool => {
                let mut tx = pool.begin().await?;
                let number: i64 = sqlx::query_scalar(NEXT_NUMBER)
                    .bind(owner.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                let task = sqlx::query_as(INSERT)
                    .bind(owner.as_str())
                    .bind(number)
                    .bind(title.as_str())
                    .bind(description.as_deref())
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                task
            })),
        }
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
                    " FROM tasks WHERE user_id = $1 ORDER BY number"
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
                    " FROM tasks WHERE user_id = $1 AND completed = $2 ORDER BY number"
                );
                with_pool!(&self.db, pool => sqlx::query_as(SQL)
                    .bind(owner.as_str())
                    .bind(completed)
                    .fetch_all(pool)
                    .await?)
            }
        })
    }

    /// Marks the task completed; completing a completed task changes nothing. `number`, here
    /// and below, is the user's own task number.
    pub async fn complete(&self, owner: &UserId, number: i64) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "UPDATE tasks SET completed = TRUE, \
             updated_at = CASE WHEN completed THEN updated_at ELSE $3 END \
             WHERE number = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(number)
            .bind(owner.as_str())
            .bind(at)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn delete(&self, owner: &UserId, number: i64) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "DELETE FROM tasks WHERE number = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(number)
            .bind(owner.as_str())
            .fetch_optional(pool)
            .await?))
    }

    /// Changes whichever of title, description and completion `changes` carries (completed
    /// `false` reopens the task); `updated_at` is set on every successful update.
    pub async fn update(
        &self,
        owner: &UserId,
        number: i64,
        changes: &TaskChanges,
    ) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "UPDATE tasks SET title = COALESCE($3, title), \
             description = CASE WHEN $4 THEN $5 ELSE description END, \
             completed = COALESCE($6, completed), updated_at = $7 \
             WHERE number = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        let title = changes.title.as_ref().map(Title::as_str);
        let description = changes.description.as_ref().and_then(Description::as_deref);
        let at = now();
        Ok(with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(number)
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

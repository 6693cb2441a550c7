//! Task storage. One set of SQL statements serves PostgreSQL and SQLite (both take `$n`
//! placeholders, `RETURNING` and `ON CONFLICT ... DO UPDATE`). Every statement is scoped by
//! `user_id`, so another user's task is indistinguishable from a missing one, and every change
//! is a single statement or one transaction, so concurrent calls can neither lose nor
//! duplicate a write.
//!
//! A task's public number (`id` in a [`Task`], `task_id` in the tools) is the user's own:
//! 1, 2, 3… per user, never reused after a delete. It is the `number` column, handed out by
//! [`Numbers`]; the table's `id` is internal and never leaves here.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, SubsecRound, Utc};
use todo_common::{database::Db, identity::UserId, with_pool};

use crate::task::{Description, StatusFilter, Task, TaskChanges, Title};

/// The columns a [`Task`] is read from, as a literal so statements stay `&'static str`. The
/// public `id` is the user's own task number.
macro_rules! task_columns {
    () => {
        "number AS id, title, description, completed, created_at, updated_at"
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("task storage failed: {0}")]
    Database(#[from] sqlx::Error),
    /// Other instances kept taking the numbers this one picked; the caller may try again.
    #[error("too many concurrent adds for this user; try again")]
    Contended,
    /// The idempotency key was used before, by another tool.
    #[error("this idempotency key was already used for {0}")]
    KeyReused(String),
    /// The user already has the most tasks one user may keep.
    #[error("the user has {0} tasks, the quota")]
    TooMany(i64),
}

/// One page of a user's tasks.
#[derive(Debug)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    /// Tasks matching the filter on all pages.
    pub total: i64,
}

/// A task of a page, with the count of all the tasks the page is taken from.
struct PagedTask {
    task: Task,
    total: i64,
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for PagedTask
where
    Task: sqlx::FromRow<'r, R>,
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(Self {
            task: Task::from_row(row)?,
            total: sqlx::Row::try_get(row, "total")?,
        })
    }
}

// Every file of `migrations/postgres` and `migrations/sqlite`, oldest first.
todo_common::service_migrations! {
    table: "_todo_mcp_migrations",
    files: [
        "20261124000001_tasks.sql",
        "20261125000001_task_numbers.sql",
        "20261126000002_idempotent_calls.sql",
        "20261126000003_one_list_index.sql",
    ],
}

#[derive(Clone, Debug)]
pub struct TaskStore {
    db: Db,
    numbers: Arc<Numbers>,
    /// The most tasks one user may keep.
    max_tasks: i64,
}

/// Tasks one user may keep unless configured otherwise.
pub const DEFAULT_MAX_TASKS: i64 = 10_000;

/// Hands out each user's next task number from memory, so an add is a single insert, as
/// fast as it was before numbers were per user.
///
/// The database stays the authority: the unique index on `(user_id, number)` refuses a
/// number another instance (a replica, a second IDE on one SQLite file) stored first; the add
/// then reloads the user's high-water mark and tries the next number. A number is therefore
/// never given to two tasks, and never skipped unless an insert fails for another reason.
/// The high-water mark is the larger of the user's highest stored number and
/// `task_counters.last_number`, which every delete raises to the number it removes, so a
/// deleted number is not handed out again after a restart either.
#[derive(Debug, Default)]
struct Numbers {
    /// User → the last number handed out by this instance.
    last: Mutex<HashMap<String, i64>>,
}

/// Users remembered before the map is emptied (a forgotten user costs one reload).
const REMEMBERED_USERS: usize = 100_000;
/// Inserts tried before an add gives up on a number other instances keep taking.
const ADD_ATTEMPTS: usize = 16;

impl Numbers {
    /// The next number for `user`, given `stored`, the user's high-water mark in the
    /// database (read when this instance has none, or after a conflict).
    fn next(&self, user: &str, stored: Option<i64>) -> Option<i64> {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = match (last.get_mut(user), stored) {
            (Some(mine), Some(stored)) => {
                *mine = (*mine).max(stored);
                mine
            }
            (Some(mine), None) => mine,
            (None, Some(stored)) => {
                if last.len() >= REMEMBERED_USERS {
                    last.clear();
                }
                last.entry(user.to_owned()).or_insert(stored)
            }
            (None, None) => return None,
        };
        *entry += 1;
        Some(*entry)
    }
}

/// Timestamps are taken here, at PostgreSQL's microsecond precision, so both backends store
/// and return the same values.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// A change made at most once: the caller's idempotency key and the tool it belongs to. The
/// change and the record of its result share one transaction (see `idempotent_calls`).
#[derive(Clone, Copy, Debug)]
pub struct Once<'a> {
    pub key: &'a str,
    pub tool: &'static str,
}

/// How long a recorded result answers repeats of its key.
const RECORDS_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(1);

const RECORD_CALL: &str = "INSERT INTO idempotent_calls \
     (user_id, idempotency_key, tool, task, created_at) VALUES ($1, $2, $3, $4, $5)";
const FORGET_OLD_CALLS: &str =
    "DELETE FROM idempotent_calls WHERE user_id = $1 AND created_at < $2";

/// Records `$task` (an `Option<Task>`) under `$once` in transaction `$tx`, and forgets the
/// user's records older than a day.
macro_rules! record_call {
    ($tx:ident, $owner:expr, $once:expr, $task:expr) => {
        if let (Some(once), Some(task)) = ($once, $task) {
            let at = now();
            sqlx::query(RECORD_CALL)
                .bind($owner.as_str())
                .bind(once.key)
                .bind(once.tool)
                .bind(serde_json::to_string(task).unwrap_or_default())
                .bind(at)
                .execute(&mut *$tx)
                .await?;
            sqlx::query(FORGET_OLD_CALLS)
                .bind($owner.as_str())
                .bind(at - RECORDS_KEPT)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// Runs the one-statement change `$query!()` (returning the task) on its own or, with `$once`,
/// in a transaction that also records its result (see [`Once`]).
macro_rules! change_statement {
    ($store:expr, $owner:expr, $once:expr, $query:ident) => {
        match $once {
            None => with_pool!(&$store.db, pool => $query!().fetch_optional(pool).await?),
            Some(_) => with_pool!(&$store.db, pool => {
                let mut tx = pool.begin().await?;
                let task: Option<Task> = $query!().fetch_optional(&mut *tx).await?;
                record_call!(tx, $owner, $once, task.as_ref());
                tx.commit().await?;
                task
            }),
        }
    };
}

impl TaskStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            numbers: Arc::default(),
            max_tasks: DEFAULT_MAX_TASKS,
        }
    }

    /// Sets the most tasks one user may keep.
    pub fn with_max_tasks(mut self, max_tasks: i64) -> Self {
        self.max_tasks = max_tasks.max(1);
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// What an earlier call with this key answered, if there was one.
    pub async fn recorded(
        &self,
        owner: &UserId,
        once: Once<'_>,
    ) -> Result<Option<Task>, StoreError> {
        const SQL: &str =
            "SELECT tool, task FROM idempotent_calls WHERE user_id = $1 AND idempotency_key = $2";
        let found: Option<(String, String)> = with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(owner.as_str())
            .bind(once.key)
            .fetch_optional(pool)
            .await?);
        match found {
            None => Ok(None),
            Some((tool, _)) if tool != once.tool => Err(StoreError::KeyReused(tool)),
            Some((_, task)) => Ok(serde_json::from_str(&task).ok()),
        }
    }

    /// Adds a task under the user's next number, never handed out before (see [`Numbers`]).
    /// With `once`, a repeat of the key answers the task added the first time.
    pub async fn add(
        &self,
        owner: &UserId,
        title: &Title,
        description: &Description,
        once: Option<Once<'_>>,
    ) -> Result<Task, StoreError> {
        if let Some(once) = once
            && let Some(task) = self.recorded(owner, once).await?
        {
            return Ok(task);
        }
        const INSERT: &str = concat!(
            "INSERT INTO tasks \
             (user_id, number, title, description, completed, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING ",
            task_columns!()
        );
        let at = now();
        let mut stored = None;
        for _ in 0..ADD_ATTEMPTS {
            let number = match self.numbers.next(owner.as_str(), stored) {
                Some(number) => number,
                None => {
                    stored = Some(self.high_water_mark(owner).await?);
                    continue;
                }
            };
            // Numbers only grow, so a user can be at the quota only once a number passes it:
            // only then is counting worth a query.
            if number > self.max_tasks && self.count(owner).await? >= self.max_tasks {
                return Err(StoreError::TooMany(self.max_tasks));
            }
            // A macro, not a closure: each backend's arm builds its own query type.
            macro_rules! insert {
                () => {
                    sqlx::query_as(INSERT)
                        .bind(owner.as_str())
                        .bind(number)
                        .bind(title.as_str())
                        .bind(description.as_deref())
                        .bind(at)
                };
            }
            let inserted: Result<Task, sqlx::Error> = match once {
                None => with_pool!(&self.db, pool => insert!().fetch_one(pool).await),
                Some(_) => with_pool!(&self.db, pool => async {
                    let mut tx = pool.begin().await?;
                    let task: Task = insert!().fetch_one(&mut *tx).await?;
                    record_call!(tx, owner, once, Some(&task));
                    tx.commit().await?;
                    Ok(task)
                }
                .await),
            };
            match inserted {
                Ok(task) => return Ok(task),
                Err(e) if is_unique_violation(&e) => {
                    // The number was taken (by another instance), or, with a key, a concurrent
                    // repeat of this call recorded it first.
                    if let Some(once) = once
                        && let Some(task) = self.recorded(owner, once).await?
                    {
                        return Ok(task);
                    }
                    stored = Some(self.high_water_mark(owner).await?);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Contended)
    }

    /// The highest number the user's tasks have ever had: stored, or deleted (recorded in
    /// `task_counters`).
    async fn high_water_mark(&self, owner: &UserId) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT COALESCE(MAX(m), 0) FROM ( \
             SELECT MAX(number) AS m FROM tasks WHERE user_id = $1 \
             UNION ALL SELECT last_number FROM task_counters WHERE user_id = $1) AS marks";
        Ok(with_pool!(&self.db, pool => sqlx::query_scalar(SQL)
            .bind(owner.as_str())
            .fetch_one(pool)
            .await?))
    }

    /// One page of the user's tasks in number order, with the count on all pages.
    pub async fn list(
        &self,
        owner: &UserId,
        filter: StatusFilter,
        limit: u32,
        offset: u32,
    ) -> Result<TaskPage, StoreError> {
        // The window count is taken before LIMIT: every matching task, in the same query.
        const SQL: &str = concat!(
            "SELECT ",
            task_columns!(),
            ", COUNT(*) OVER () AS total FROM tasks \
             WHERE user_id = $1 AND ($2 IS NULL OR completed = $2) \
             ORDER BY number LIMIT $3 OFFSET $4"
        );
        let completed = match filter {
            StatusFilter::All => None,
            StatusFilter::Pending => Some(false),
            StatusFilter::Completed => Some(true),
        };
        let rows: Vec<PagedTask> = with_pool!(&self.db, pool => sqlx::query_as(SQL)
            .bind(owner.as_str())
            .bind(completed)
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(pool)
            .await?);
        let total = match rows.first() {
            Some(row) => row.total,
            // An offset past the end: the count needs its own query.
            None if offset > 0 => self.count_matching(owner, completed).await?,
            None => 0,
        };
        Ok(TaskPage {
            tasks: rows.into_iter().map(|row| row.task).collect(),
            total,
        })
    }

    async fn count(&self, owner: &UserId) -> Result<i64, StoreError> {
        self.count_matching(owner, None).await
    }

    async fn count_matching(
        &self,
        owner: &UserId,
        completed: Option<bool>,
    ) -> Result<i64, StoreError> {
        const SQL: &str =
            "SELECT COUNT(*) FROM tasks WHERE user_id = $1 AND ($2 IS NULL OR completed = $2)";
        Ok(with_pool!(&self.db, pool => sqlx::query_scalar(SQL)
            .bind(owner.as_str())
            .bind(completed)
            .fetch_one(pool)
            .await?))
    }

    /// Marks the task completed; completing a completed task changes nothing. `number`, here
    /// and below, is the user's own task number.
    pub async fn complete(
        &self,
        owner: &UserId,
        number: i64,
        once: Option<Once<'_>>,
    ) -> Result<Option<Task>, StoreError> {
        const SQL: &str = concat!(
            "UPDATE tasks SET completed = TRUE, \
             updated_at = CASE WHEN completed THEN updated_at ELSE $3 END \
             WHERE number = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        let at = now();
        macro_rules! query {
            () => {
                sqlx::query_as(SQL)
                    .bind(number)
                    .bind(owner.as_str())
                    .bind(at)
            };
        }
        self.change_once(owner, once, async || {
            Ok(change_statement!(self, owner, once, query))
        })
        .await
    }

    /// Runs `change` unless a call with the same key already did (then answers what it did);
    /// a concurrent repeat that recorded first is answered the same way.
    async fn change_once(
        &self,
        owner: &UserId,
        once: Option<Once<'_>>,
        change: impl AsyncFnOnce() -> Result<Option<Task>, StoreError>,
    ) -> Result<Option<Task>, StoreError> {
        let Some(once) = once else {
            return change().await;
        };
        if let Some(task) = self.recorded(owner, once).await? {
            return Ok(Some(task));
        }
        match change().await {
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                self.recorded(owner, once).await
            }
            other => other,
        }
    }

    /// Deletes the task and, in the same transaction, raises the user's recorded high-water
    /// mark to its number, so the number is not handed out again (see [`Numbers`]).
    pub async fn delete(
        &self,
        owner: &UserId,
        number: i64,
        once: Option<Once<'_>>,
    ) -> Result<Option<Task>, StoreError> {
        const DELETE: &str = concat!(
            "DELETE FROM tasks WHERE number = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        const RECORD: &str = "INSERT INTO task_counters (user_id, last_number) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE \
             SET last_number = CASE WHEN excluded.last_number > task_counters.last_number \
             THEN excluded.last_number ELSE task_counters.last_number END";
        self.change_once(owner, once, async || {
            Ok(with_pool!(&self.db, pool => {
                let mut tx = pool.begin().await?;
                let deleted: Option<Task> = sqlx::query_as(DELETE)
                    .bind(number)
                    .bind(owner.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if deleted.is_some() {
                    sqlx::query(RECORD)
                        .bind(owner.as_str())
                        .bind(number)
                        .execute(&mut *tx)
                        .await?;
                }
                record_call!(tx, owner, once, deleted.as_ref());
                tx.commit().await?;
                deleted
            }))
        })
        .await
    }

    /// Changes whichever of title, description and completion `changes` carries (completed
    /// `false` reopens the task); `updated_at` is set on every successful update.
    pub async fn update(
        &self,
        owner: &UserId,
        number: i64,
        changes: &TaskChanges,
        once: Option<Once<'_>>,
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
        macro_rules! query {
            () => {
                sqlx::query_as(SQL)
                    .bind(number)
                    .bind(owner.as_str())
                    .bind(title)
                    .bind(changes.description.is_some())
                    .bind(description)
                    .bind(changes.completed)
                    .bind(at)
            };
        }
        self.change_once(owner, once, async || {
            Ok(change_statement!(self, owner, once, query))
        })
        .await
    }
}

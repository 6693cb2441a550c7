//! Per-user task numbers: every user's tasks are numbered 1, 2, 3… on their own, a number is
//! never handed out again after a delete, concurrent adds never share or skip a number, and the
//! migration numbers the tasks that existed before it.

mod support;

use futures::future::join_all;
use serde_json::{Value, json};
use support::{
    BACKENDS, Backend, Database, Harness, Server, call, postgres_url, result_json, setups,
    token_for, unique_user,
};
use todo_common::{
    database::{Db, Migrations},
    with_pool,
};

/// The tasks of a `list_tasks` answer (`{"tasks": [...]}`, or a bare array).
fn tasks_in(listed: &Value) -> &Vec<Value> {
    listed
        .get("tasks")
        .unwrap_or(listed)
        .as_array()
        .expect("list_tasks lists tasks")
}

/// The `id`s and titles of a `list_tasks` answer, in its order.
fn ids_and_titles(tasks: &[Value]) -> Vec<(i64, String)> {
    tasks
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().unwrap(),
                t["title"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn pairs(expected: &[(i64, &str)]) -> Vec<(i64, String)> {
    expected.iter().map(|&(n, t)| (n, t.to_owned())).collect()
}

#[tokio::test]
async fn each_user_counts_from_one() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        let (alice, bob) = (unique_user("alice"), unique_user("bob"));
        let (alices, bobs) = (
            server.client(&token_for(&alice)).await,
            server.client(&token_for(&bob)).await,
        );
        let add = async |client, user: &str, title: &str| {
            result_json(
                &call(
                    client,
                    "add_task",
                    json!({ "user_id": user, "title": title }),
                )
                .await,
            )
            .unwrap()["task_id"]
                .as_i64()
                .unwrap()
        };
        // Interleaved, so a shared sequence would show.
        let mut numbers = Vec::new();
        for i in 1..=3 {
            numbers.push(add(&alices, &alice, &format!("alice {i}")).await);
            numbers.push(add(&bobs, &bob, &format!("bob {i}")).await);
        }
        assert_eq!(
            numbers,
            [1, 1, 2, 2, 3, 3],
            "[{backend:?}] task_id per user"
        );

        // The same number in each list; acting on it touches the caller's task only.
        let done = result_json(
            &call(
                &alices,
                "complete_task",
                json!({ "user_id": alice, "task_id": 2 }),
            )
            .await,
        )
        .unwrap();
        assert_eq!(
            (done["task_id"].as_i64(), done["task"]["id"].as_i64()),
            (Some(2), Some(2)),
            "[{backend:?}] the result names the user's number"
        );
        assert_eq!(done["title"], "alice 2");
        for (client, user, name) in [(&alices, &alice, "alice"), (&bobs, &bob, "bob")] {
            let listed =
                result_json(&call(client, "list_tasks", json!({ "user_id": user })).await).unwrap();
            let listed = tasks_in(&listed);
            assert_eq!(
                ids_and_titles(listed),
                (1..=3)
                    .map(|i| (i, format!("{name} {i}")))
                    .collect::<Vec<_>>(),
                "[{backend:?}] {name}'s list, ordered by number"
            );
            let completed: Vec<i64> = listed
                .iter()
                .filter(|t| t["completed"] == true)
                .map(|t| t["id"].as_i64().unwrap())
                .collect();
            let expected: &[i64] = if name == "alice" { &[2] } else { &[] };
            assert_eq!(
                completed, expected,
                "[{backend:?}] {name}'s completed tasks"
            );
        }
    }
}

#[tokio::test]
async fn numbers_are_never_reused_after_a_delete() {
    for (backend, transport) in setups() {
        let h = Harness::connect(backend, transport).await;
        for title in ["one", "two", "three"] {
            h.add(title).await;
        }
        // Deleting the newest must not hand its number out again.
        for id in [3, 2] {
            h.ok("delete_task", json!({ "task_id": id })).await;
        }
        assert_eq!(h.add("four").await, 4, "[{}]", h.label);
        h.ok("complete_task", json!({ "task_id": 4 })).await;
        assert_eq!(
            ids_and_titles(&h.list("all").await),
            pairs(&[(1, "one"), (4, "four")]),
            "[{}]",
            h.label
        );
        assert_eq!(
            ids_and_titles(&h.list("completed").await),
            pairs(&[(4, "four")]),
            "[{}]",
            h.label
        );
        // Not even once the list is empty.
        for id in [1, 4] {
            h.ok("delete_task", json!({ "task_id": id })).await;
        }
        assert_eq!(h.add("five").await, 5, "[{}]", h.label);
        assert_eq!(
            h.err("update_task", json!({ "task_id": 2, "title": "x" }))
                .await,
            "Task 2 not found",
            "[{}] a deleted number stays gone",
            h.label
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_adds_for_one_user_get_distinct_consecutive_numbers() {
    const ADDS: i64 = 60;
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        // Fresh users: the first adds also race to create the counter row.
        let mut users = Vec::new();
        for tag in ["rush", "crowd"] {
            let user = unique_user(tag);
            // Two connections per user, so the adds really run side by side.
            let clients = [
                server.client(&token_for(&user)).await,
                server.client(&token_for(&user)).await,
            ];
            users.push((user, clients));
        }
        let adds = users.iter().flat_map(|(user, clients)| {
            (0..ADDS).map(move |i| async move {
                let client = &clients[(i % 2) as usize];
                let args = json!({ "user_id": user, "title": format!("task {i}") });
                (user, i, call(client, "add_task", args).await)
            })
        });
        let results = join_all(adds).await;
        for (user, clients) in &users {
            let mut numbers = Vec::new();
            for (_, i, result) in results.iter().filter(|(u, ..)| u == &user) {
                let added = result_json(result)
                    .unwrap_or_else(|e| panic!("[{backend:?}] add {i} for {user}: {e}"));
                numbers.push(added["task_id"].as_i64().unwrap());
            }
            numbers.sort_unstable();
            assert_eq!(
                numbers,
                (1..=ADDS).collect::<Vec<_>>(),
                "[{backend:?}] {user}: distinct, consecutive, from 1"
            );
            let listed =
                result_json(&call(&clients[0], "list_tasks", json!({ "user_id": user })).await)
                    .unwrap();
            let ids: Vec<i64> = tasks_in(&listed)
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect();
            assert_eq!(
                ids,
                (1..=ADDS).collect::<Vec<_>>(),
                "[{backend:?}] {user}: listed in number order"
            );
        }
    }
}

/// Two instances on one database (replicas, or two IDEs on one SQLite file) each hand out
/// numbers from memory; the database's unique index makes them agree: every add succeeds, and
/// the numbers are distinct and consecutive. A third instance started afterwards continues
/// after them, and after a deleted newest task.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_sharing_a_database_never_share_a_number() {
    const ADDS: i64 = 60;
    for backend in BACKENDS {
        let db = Database::new(backend);
        let replicas = [Server::start(&db.url).await, Server::start(&db.url).await];
        let user = unique_user("replicas");
        let token = token_for(&user);
        let clients = [
            replicas[0].client(&token).await,
            replicas[1].client(&token).await,
        ];
        let adds = (0..ADDS).map(|i| {
            let client = &clients[(i % 2) as usize];
            async move {
                let args = json!({ "title": format!("task {i}") });
                (i, call(client, "add_task", args).await)
            }
        });
        let mut numbers: Vec<i64> = join_all(adds)
            .await
            .iter()
            .map(|(i, result)| {
                let added =
                    result_json(result).unwrap_or_else(|e| panic!("[{backend:?}] add {i}: {e}"));
                added["task_id"].as_i64().unwrap()
            })
            .collect();
        numbers.sort_unstable();
        assert_eq!(
            numbers,
            (1..=ADDS).collect::<Vec<_>>(),
            "[{backend:?}] distinct and consecutive across instances"
        );
        let deleted = call(&clients[0], "delete_task", json!({ "task_id": ADDS })).await;
        result_json(&deleted).unwrap_or_else(|e| panic!("[{backend:?}] delete: {e}"));
        let later = Server::start(&db.url).await;
        let added = result_json(
            &call(
                &later.client(&token).await,
                "add_task",
                json!({ "title": "later" }),
            )
            .await,
        )
        .unwrap_or_else(|e| panic!("[{backend:?}] later add: {e}"));
        assert_eq!(
            added["task_id"].as_i64(),
            Some(ADDS + 1),
            "[{backend:?}] a new instance continues after the deleted newest number"
        );
    }
}

/// A database no other test touches: a SQLite file, or a PostgreSQL schema of its own.
struct FreshDatabase {
    url: String,
    _sqlite: Option<Database>,
    schema: Option<String>,
}

impl FreshDatabase {
    async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let db = Database::new(backend);
                Self {
                    url: db.url.clone(),
                    _sqlite: Some(db),
                    schema: None,
                }
            }
            Backend::Postgres => {
                let base = postgres_url();
                let schema = unique_user("numbers").replace('-', "_");
                let admin = sqlx::PgPool::connect(&base).await.expect("PostgreSQL");
                // The name is ours: letters, digits and underscores.
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&admin)
                    .await
                    .expect("create schema");
                admin.close().await;
                let separator = if base.contains('?') { '&' } else { '?' };
                Self {
                    url: format!("{base}{separator}options[search_path]={schema}"),
                    _sqlite: None,
                    schema: Some(schema),
                }
            }
        }
    }

    async fn drop_schema(&self) {
        if let Some(schema) = &self.schema {
            let admin = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await
                .expect("drop schema");
            admin.close().await;
        }
    }
}

/// Only the first migration (the schema before per-user numbers), tracked where
/// `todo-mcp migrate` looks.
fn first_migration_only() -> Migrations {
    Migrations::new(
        "_todo_mcp_migrations",
        &todo_common::embed_migrations!("20261124000001_tasks.sql"),
    )
}

#[tokio::test]
async fn the_migration_numbers_existing_tasks_per_user_in_id_order() {
    for backend in BACKENDS {
        let fresh = FreshDatabase::new(backend).await;
        let (alice, bob, carol) = (
            unique_user("alice"),
            unique_user("bob"),
            unique_user("carol"),
        );

        // Tasks as the old schema held them: global ids, interleaved users, a gap.
        let db = Db::connect(&fresh.url, 1).unwrap();
        db.migrate(&first_migration_only()).await.unwrap();
        let old_rows = [
            (&alice, "a1", false),
            (&bob, "b1", true),
            (&alice, "a2 (deleted)", false),
            (&alice, "a3", true),
            (&bob, "b2", false),
            (&alice, "a4", false),
        ];
        let at = chrono::Utc::now();
        for (user, title, completed) in old_rows {
            with_pool!(&db, pool => sqlx::query(
                "INSERT INTO tasks (user_id, title, completed, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(user.as_str())
            .bind(title)
            .bind(completed)
            .bind(at)
            .execute(pool)
            .await
            .map(drop)
            .unwrap());
        }
        with_pool!(&db, pool => sqlx::query("DELETE FROM tasks WHERE title = 'a2 (deleted)'")
            .execute(pool)
            .await
            .map(drop)
            .unwrap());
        db.close().await;

        let migrated = std::process::Command::new(support::BIN)
            .arg("migrate")
            .env("DATABASE_URL", &fresh.url)
            .output()
            .expect("run todo-mcp migrate");
        assert!(
            migrated.status.success(),
            "[{backend:?}] migrate: {}",
            String::from_utf8_lossy(&migrated.stderr)
        );

        let server = Server::start_with(&fresh.url, &["--no-migrate"], &[]).await;
        let mut clients = Vec::new();
        for user in [&alice, &bob, &carol] {
            clients.push((server.client(&token_for(user)).await, user));
        }
        let list = async |client, user: &str| {
            let listed =
                result_json(&call(client, "list_tasks", json!({ "user_id": user })).await).unwrap();
            tasks_in(&listed)
                .iter()
                .map(|t| {
                    (
                        t["id"].as_i64().unwrap(),
                        t["title"].as_str().unwrap().to_owned(),
                        t["completed"].as_bool().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let (alices, bobs, carols) = (&clients[0].0, &clients[1].0, &clients[2].0);
        assert_eq!(
            list(alices, &alice).await,
            [
                (1, "a1".to_owned(), false),
                (2, "a3".to_owned(), true),
                (3, "a4".to_owned(), false)
            ],
            "[{backend:?}] alice's tasks numbered 1..n in id order"
        );
        assert_eq!(
            list(bobs, &bob).await,
            [(1, "b1".to_owned(), true), (2, "b2".to_owned(), false)],
            "[{backend:?}] bob's tasks numbered on their own"
        );

        // The counters continue after the existing tasks; a new user starts at 1.
        for (client, user, expected) in [(alices, &alice, 4), (bobs, &bob, 3), (carols, &carol, 1)]
        {
            let added = result_json(
                &call(
                    client,
                    "add_task",
                    json!({ "user_id": user, "title": "new" }),
                )
                .await,
            )
            .unwrap();
            assert_eq!(added["task_id"], expected, "[{backend:?}] next number");
        }
        let done = result_json(
            &call(
                bobs,
                "complete_task",
                json!({ "user_id": bob, "task_id": 2 }),
            )
            .await,
        )
        .unwrap();
        assert_eq!(done["title"], "b2", "[{backend:?}] numbers address tasks");
        drop(clients);
        drop(server);
        fresh.drop_schema().await;
    }
}

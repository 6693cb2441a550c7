//! Concurrent calls from several users never lose or duplicate a write.

mod support;

use std::collections::BTreeSet;

use futures::future::join_all;
use serde_json::json;
use support::{BACKENDS, Database, Server, call, result_json, token_for, unique_user};

const USERS: usize = 4;
const FIRST_WAVE: usize = 75;
const SECOND_WAVE: usize = 25;
const COMPLETED: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundreds_of_concurrent_adds_and_completes_end_exact() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        let mut users = Vec::new();
        for _ in 0..USERS {
            let user = unique_user("busy");
            users.push((server.client(&token_for(&user)).await, user));
        }

        let adds = users.iter().flat_map(|(client, user)| {
            (0..FIRST_WAVE).map(move |i| {
                call(
                    client,
                    "add_task",
                    json!({ "user_id": user, "title": format!("task {i}") }),
                )
            })
        });
        let results = join_all(adds).await;
        assert!(
            results.iter().all(|r| result_json(r).is_ok()),
            "[{backend:?}] every add succeeded"
        );

        // Second wave: complete each user's first tasks twice over while more adds land.
        let mut calls = Vec::new();
        for (client, user) in &users {
            let listed =
                result_json(&call(client, "list_tasks", json!({ "user_id": user })).await).unwrap();
            let ids: Vec<i64> = listed["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect();
            for id in ids.iter().take(COMPLETED).chain(ids.iter().take(COMPLETED)) {
                calls.push(call(
                    client,
                    "complete_task",
                    json!({ "user_id": user, "task_id": id }),
                ));
            }
            for i in FIRST_WAVE..FIRST_WAVE + SECOND_WAVE {
                calls.push(call(
                    client,
                    "add_task",
                    json!({ "user_id": user, "title": format!("task {i}") }),
                ));
            }
        }
        let results = join_all(calls).await;
        assert!(
            results.iter().all(|r| result_json(r).is_ok()),
            "[{backend:?}] every call succeeded"
        );

        for (client, user) in &users {
            let tasks =
                result_json(&call(client, "list_tasks", json!({ "user_id": user })).await).unwrap();
            let tasks = tasks["tasks"].as_array().unwrap();
            let titles: BTreeSet<String> = tasks
                .iter()
                .map(|t| t["title"].as_str().unwrap().to_owned())
                .collect();
            let expected: BTreeSet<String> = (0..FIRST_WAVE + SECOND_WAVE)
                .map(|i| format!("task {i}"))
                .collect();
            assert_eq!(
                tasks.len(),
                FIRST_WAVE + SECOND_WAVE,
                "[{backend:?}] no lost or duplicated rows"
            );
            assert_eq!(
                titles, expected,
                "[{backend:?}] exactly the expected titles"
            );
            let done = tasks.iter().filter(|t| t["completed"] == true).count();
            assert_eq!(done, COMPLETED, "[{backend:?}] exactly the completed ones");
            // Each user's own numbers: 1..=n, no duplicate, no gap.
            let ids: Vec<i64> = tasks.iter().map(|t| t["id"].as_i64().unwrap()).collect();
            let expected: Vec<i64> = (1..=(FIRST_WAVE + SECOND_WAVE) as i64).collect();
            assert_eq!(ids, expected, "[{backend:?}] task numbers are 1..=n");
        }
    }
}

//! The task REST façade: a thin layer over the MCP tools, with HTTP statuses.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{BACKENDS, Stack, unique_user};

#[tokio::test]
async fn the_rest_facade_manages_tasks_through_the_tools() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let api = stack.api(&unique_user("rest"));
        let (status, created) = api
            .send(
                Method::POST,
                "/tasks",
                Some(json!({ "title": " Call mom ", "description": "Sunday" })),
            )
            .await;
        assert_eq!(status, 201, "[{backend:?}] {created}");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(
            id, 1,
            "[{backend:?}] a new user's first task is their task 1"
        );
        let mut keys: Vec<&str> = created
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "completed",
                "created_at",
                "description",
                "id",
                "title",
                "updated_at"
            ]
        );
        assert_eq!(created["title"], "Call mom");
        assert_eq!(api.add("Pay bills").await, 2, "[{backend:?}]");

        let (status, updated) = api
            .send(
                Method::PUT,
                &format!("/tasks/{id}"),
                Some(json!({ "title": "Call mom tonight" })),
            )
            .await;
        assert_eq!(
            (
                status,
                updated["title"].as_str(),
                updated["description"].as_str()
            ),
            (200, Some("Call mom tonight"), Some("Sunday"))
        );
        let (status, done) = api
            .send(Method::PATCH, &format!("/tasks/{id}/complete"), None)
            .await;
        assert_eq!((status, done["completed"].as_bool()), (200, Some(true)));

        let (_, pending) = api.send(Method::GET, "/tasks?status=pending", None).await;
        assert_eq!(pending.as_array().map(Vec::len), Some(1), "[{backend:?}]");
        let (_, completed) = api.send(Method::GET, "/tasks?status=completed", None).await;
        assert_eq!(completed[0]["id"], id);
        let (status, _) = api.send(Method::GET, "/tasks?status=done", None).await;
        assert_eq!(status, 422);

        // Reopening through the façade: PUT with completed false, then back to done.
        let (status, reopened) = api
            .send(
                Method::PUT,
                &format!("/tasks/{id}"),
                Some(json!({ "completed": false })),
            )
            .await;
        assert_eq!(
            (status, reopened["completed"].as_bool()),
            (200, Some(false)),
            "[{backend:?}] {reopened}"
        );
        api.send(Method::PATCH, &format!("/tasks/{id}/complete"), None)
            .await;

        for (method, path, body, expected) in [
            (
                Method::POST,
                "/tasks".to_owned(),
                json!({ "title": "" }),
                422,
            ),
            (
                Method::POST,
                "/tasks".to_owned(),
                json!({ "title": "a".repeat(201) }),
                422,
            ),
            (
                Method::POST,
                "/tasks".to_owned(),
                json!({ "description": "no title" }),
                422,
            ),
            (Method::PUT, format!("/tasks/{id}"), json!({}), 422),
            (
                Method::PUT,
                format!("/tasks/{id}"),
                json!({ "completed": "no" }),
                422,
            ),
            (
                Method::PUT,
                "/tasks/abc".to_owned(),
                json!({ "title": "x" }),
                422,
            ),
            (
                Method::PUT,
                format!("/tasks/{}", id + 999_999),
                json!({ "title": "x" }),
                404,
            ),
        ] {
            let (status, body) = api.send(method.clone(), &path, Some(body)).await;
            assert_eq!(status, expected, "[{backend:?}] {method} {path}: {body}");
            assert!(
                body["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "clear detail: {body}"
            );
        }

        let (status, _) = api
            .send(Method::DELETE, &format!("/tasks/{id}"), None)
            .await;
        assert_eq!(status, 204);
        let (status, _) = api
            .send(Method::DELETE, &format!("/tasks/{id}"), None)
            .await;
        assert_eq!(status, 404);
        assert_eq!(api.tasks().await.len(), 1, "[{backend:?}]");
        assert_eq!(
            api.add("Water plants").await,
            3,
            "[{backend:?}] a deleted task's number is not reused"
        );
    }
}

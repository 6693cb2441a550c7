//! Authentication and isolation on every endpoint: 401 without a valid token, 403 for another
//! user's path, and another user's data answers exactly like absent data.

mod support;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};
use support::{BACKENDS, SECRET, Stack, now, sign, token_for, unique_user};

fn endpoints(task: i64, conversation: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::POST,
            "/chat".into(),
            Some(json!({ "message": "show my tasks" })),
        ),
        (Method::GET, "/tasks".into(), None),
        (Method::POST, "/tasks".into(), Some(json!({ "title": "x" }))),
        (
            Method::PUT,
            format!("/tasks/{task}"),
            Some(json!({ "title": "x" })),
        ),
        (Method::PATCH, format!("/tasks/{task}/complete"), None),
        (Method::DELETE, format!("/tasks/{task}"), None),
        (Method::GET, "/conversations".into(), None),
        (
            Method::GET,
            format!("/conversations/{conversation}/messages"),
            None,
        ),
    ]
}

#[tokio::test]
async fn every_endpoint_needs_a_valid_token_for_its_own_user() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let (alice, bob) = (unique_user("alice"), unique_user("bob"));
        let api = stack.api(&alice);
        let task = api.add("alice's task").await;
        let conversation = api.chat("hi", None).await["conversation_id"]
            .as_i64()
            .unwrap();
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let claims = json!({ "sub": alice, "exp": now() + 3600 });
        let unauthorized: Vec<(&str, Option<String>)> = vec![
            ("none", None),
            ("garbage", Some("garbage".into())),
            (
                "wrong signature",
                Some(sign(&claims, "another-secret-another-secret-another")),
            ),
            (
                "alg none",
                Some(format!(
                    "{}.{}.",
                    b64(&json!({ "alg": "none" })),
                    b64(&claims)
                )),
            ),
            (
                "expired",
                Some(sign(&json!({ "sub": alice, "exp": now() - 3600 }), SECRET)),
            ),
            (
                "no sub",
                Some(sign(&json!({ "exp": now() + 3600 }), SECRET)),
            ),
        ];
        for (method, path, body) in endpoints(task, conversation) {
            for (label, token) in &unauthorized {
                let mut request = api.http.request(method.clone(), api.url(&path));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                if let Some(body) = &body {
                    request = request.json(body);
                }
                let response = request.send().await.unwrap();
                assert_eq!(
                    response.status(),
                    401,
                    "[{backend:?}] {label}: {method} {path}"
                );
                assert!(
                    response.headers().contains_key("www-authenticate"),
                    "[{backend:?}] challenge"
                );
            }
            let mut request = api
                .http
                .request(method.clone(), api.url(&path))
                .bearer_auth(token_for(&bob));
            if let Some(body) = &body {
                request = request.json(body);
            }
            assert_eq!(
                request.send().await.unwrap().status(),
                403,
                "[{backend:?}] bob on alice's {method} {path}"
            );
        }
        // ChatKit's endpoint has no user in its path: the token alone decides.
        let chatkit = format!("{}/chatkit", api.base);
        let list = json!({"type": "threads.list", "params": {}});
        for (label, token) in &unauthorized {
            let mut request = api.http.post(&chatkit).json(&list);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "[{backend:?}] {label}: /chatkit");
            assert!(response.headers().contains_key("www-authenticate"));
        }
        let tasks = api.tasks().await;
        assert_eq!(
            (tasks.len(), tasks[0]["title"].as_str()),
            (1, Some("alice's task")),
            "[{backend:?}] untouched"
        );
    }
}

#[tokio::test]
async fn another_users_tasks_and_conversations_answer_like_missing_ones() {
    for backend in BACKENDS {
        let stack = Stack::start(backend).await;
        let (alice, bob) = (
            stack.api(&unique_user("alice")),
            stack.api(&unique_user("bob")),
        );
        // Task numbers are per user: alice has a task 1 of her own, so bob's foreign task is one
        // whose number alice does not have.
        let alices_task = alice.add("alice's own").await;
        bob.add("bob's first").await;
        bob.add("bob's second").await;
        let bobs_task = bob.add("bob's secret").await;
        assert_eq!(
            (alices_task, bobs_task),
            (1, 3),
            "[{backend:?}] per-user numbers"
        );
        let bobs_chat = bob.chat("hello", None).await["conversation_id"]
            .as_i64()
            .unwrap();
        let missing_task = bobs_task + 1_000_000;
        let missing_chat = bobs_chat + 1_000_000;
        for (method, foreign, absent, body) in [
            (
                Method::PUT,
                format!("/tasks/{bobs_task}"),
                format!("/tasks/{missing_task}"),
                Some(json!({ "title": "mine" })),
            ),
            (
                Method::PATCH,
                format!("/tasks/{bobs_task}/complete"),
                format!("/tasks/{missing_task}/complete"),
                None,
            ),
            (
                Method::DELETE,
                format!("/tasks/{bobs_task}"),
                format!("/tasks/{missing_task}"),
                None,
            ),
            (
                Method::GET,
                format!("/conversations/{bobs_chat}/messages"),
                format!("/conversations/{missing_chat}/messages"),
                None,
            ),
        ] {
            let (s1, b1) = alice.send(method.clone(), &foreign, body.clone()).await;
            let (s2, b2) = alice.send(method.clone(), &absent, body).await;
            assert_eq!((s1, s2), (404, 404), "[{backend:?}] {method} {foreign}");
            let normalise = |b: &Value, id: i64| b.to_string().replace(&id.to_string(), "N");
            let foreign_id = if foreign.contains("conversations") {
                bobs_chat
            } else {
                bobs_task
            };
            let absent_id = if absent.contains("conversations") {
                missing_chat
            } else {
                missing_task
            };
            assert_eq!(
                normalise(&b1, foreign_id),
                normalise(&b2, absent_id),
                "[{backend:?}] identical answers"
            );
        }
        let (status, body) = alice.try_chat("hi", Some(bobs_chat)).await;
        assert_eq!(status, 404, "[{backend:?}] {body}");

        // A number both have: alice acting on it reaches her own task, never bob's.
        let (status, renamed) = alice
            .send(
                Method::PATCH,
                &format!("/tasks/{alices_task}/complete"),
                None,
            )
            .await;
        assert_eq!(
            (status, renamed["title"].as_str()),
            (200, Some("alice's own")),
            "[{backend:?}] {renamed}"
        );
        let alices = alice.tasks().await;
        assert_eq!(
            alices.len(),
            1,
            "[{backend:?}] alice sees only her own task"
        );
        let bobs = bob.tasks().await;
        let bobs: Vec<_> = bobs
            .iter()
            .map(|t| {
                (
                    t["id"].as_i64().unwrap(),
                    t["title"].as_str().unwrap(),
                    t["completed"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            bobs,
            [
                (1, "bob's first", false),
                (2, "bob's second", false),
                (3, "bob's secret", false)
            ],
            "[{backend:?}] bob's tasks untouched"
        );
        assert_eq!(
            bob.messages(bobs_chat).await.len(),
            2,
            "[{backend:?}] bob's conversation untouched"
        );
    }
}

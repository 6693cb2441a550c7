//! Identity: who the tools act for comes from the verified token (HTTP) or the identity fixed
//! at start (stdio), never from the model's `user_id`.

mod support;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use support::{
    BACKENDS, Database, Server, call, error_text, now, sign, stdio_client, token_for, unique_user,
};

use todo_common::TOOL_NAMES as TOOLS;

fn args_for(tool: &str, user: &str, task_id: i64) -> Value {
    match tool {
        "add_task" => json!({ "user_id": user, "title": "sneaky" }),
        "list_tasks" => json!({ "user_id": user }),
        "update_task" => json!({ "user_id": user, "task_id": task_id, "title": "sneaky" }),
        _ => json!({ "user_id": user, "task_id": task_id }),
    }
}

/// Every token the contract says is 401, labelled.
fn bad_tokens(user: &str) -> Vec<(&'static str, Option<String>)> {
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let claims = json!({ "sub": user, "exp": now() + 3600 });
    vec![
        ("no token", None),
        ("garbage", Some("not-a-jwt".to_owned())),
        (
            "wrong signature",
            Some(sign(&claims, "some-other-secret-0123456789abcdefghij")),
        ),
        (
            "alg none",
            Some(format!(
                "{}.{}.",
                b64(&json!({ "alg": "none", "typ": "JWT" })),
                b64(&claims)
            )),
        ),
        (
            "expired",
            Some(sign(
                &json!({ "sub": user, "exp": now() - 3600 }),
                support::SECRET,
            )),
        ),
        (
            "no sub",
            Some(sign(&json!({ "exp": now() + 3600 }), support::SECRET)),
        ),
    ]
}

#[tokio::test]
async fn bad_tokens_get_401_before_any_tool_runs() {
    let http = reqwest::Client::new();
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        let user = unique_user("victim");
        let owner = server.client(&token_for(&user)).await;
        let task_id = support::result_json(
            &call(
                &owner,
                "add_task",
                json!({ "user_id": user, "title": "mine" }),
            )
            .await,
        )
        .unwrap()["task_id"]
            .as_i64()
            .unwrap();
        for (label, token) in bad_tokens(&user) {
            for tool in TOOLS {
                let response = support::post_tool_call(
                    &http,
                    &server,
                    token.as_deref(),
                    tool,
                    args_for(tool, &user, task_id),
                )
                .await;
                assert_eq!(response.status(), 401, "[{backend:?}] {label} on {tool}");
                let challenge = response
                    .headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok());
                assert!(
                    challenge.is_some_and(|c| c.starts_with("Bearer")),
                    "[{backend:?}] {label}: challenge"
                );
            }
            if let Some(token) = &token {
                assert!(
                    server.try_client(token).await.is_err(),
                    "[{backend:?}] rmcp client refused with {label}"
                );
            }
        }
        let tasks =
            support::result_json(&call(&owner, "list_tasks", json!({ "user_id": user })).await)
                .unwrap();
        assert_eq!(
            tasks["tasks"].as_array().map(Vec::len),
            Some(1),
            "[{backend:?}] no tool ran"
        );
        assert_eq!(tasks["tasks"][0]["title"], "mine");
        assert_eq!(tasks["tasks"][0]["completed"], false);
    }
}

#[tokio::test]
async fn a_token_for_one_user_cannot_act_as_another() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        let (alice, bob) = (unique_user("alice"), unique_user("bob"));
        let bobs = server.client(&token_for(&bob)).await;
        let bob_task = support::result_json(
            &call(
                &bobs,
                "add_task",
                json!({ "user_id": bob, "title": "bob's" }),
            )
            .await,
        )
        .unwrap()["task_id"]
            .as_i64()
            .unwrap();
        let before = call(&bobs, "list_tasks", json!({ "user_id": bob })).await;
        let alices = server.client(&token_for(&alice)).await;
        for tool in TOOLS {
            let result = call(&alices, tool, args_for(tool, &bob, bob_task)).await;
            let error = error_text(&result)
                .unwrap_or_else(|| panic!("[{backend:?}] {tool} as bob must fail"));
            assert!(
                error.contains("is not the signed-in user"),
                "[{backend:?}] {tool}: {error}"
            );
            assert!(
                !error.contains("bob's"),
                "[{backend:?}] nothing of bob's leaks"
            );
        }
        let after = call(&bobs, "list_tasks", json!({ "user_id": bob })).await;
        assert_eq!(
            support::result_json(&after),
            support::result_json(&before),
            "[{backend:?}] unchanged"
        );
    }
}

#[tokio::test]
async fn another_users_task_answers_exactly_like_a_missing_one() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let server = Server::start(&db.url).await;
        let (alice, bob) = (unique_user("alice"), unique_user("bob"));
        let bobs = server.client(&token_for(&bob)).await;
        let foreign = support::result_json(
            &call(
                &bobs,
                "add_task",
                json!({ "user_id": bob, "title": "secret" }),
            )
            .await,
        )
        .unwrap()["task_id"]
            .as_i64()
            .unwrap();
        let missing = foreign + 1_000_000;
        let alices = server.client(&token_for(&alice)).await;
        for tool in ["complete_task", "delete_task", "update_task"] {
            let a = call(&alices, tool, args_for(tool, &alice, foreign)).await;
            let b = call(&alices, tool, args_for(tool, &alice, missing)).await;
            let (a, b) = (
                error_text(&a).expect("foreign fails"),
                error_text(&b).expect("missing fails"),
            );
            assert_eq!(
                a,
                format!("Task {foreign} not found"),
                "[{backend:?}] {tool}"
            );
            assert_eq!(
                a.replace(&foreign.to_string(), "N"),
                b.replace(&missing.to_string(), "N"),
                "[{backend:?}] {tool}"
            );
        }
        let listed =
            support::result_json(&call(&alices, "list_tasks", json!({ "user_id": alice })).await)
                .unwrap();
        assert_eq!(
            listed,
            json!({ "tasks": [], "total": 0 }),
            "[{backend:?}] alice sees none of bob's tasks"
        );
        let bobs_view =
            support::result_json(&call(&bobs, "list_tasks", json!({ "user_id": bob })).await)
                .unwrap();
        assert_eq!(
            (
                bobs_view["tasks"][0]["title"].as_str(),
                bobs_view["tasks"][0]["completed"].as_bool()
            ),
            (Some("secret"), Some(false))
        );
    }
}

#[tokio::test]
async fn stdio_acts_as_the_identity_fixed_at_start() {
    for backend in BACKENDS {
        let db = Database::new(backend);
        let alice = unique_user("alice");
        let client = stdio_client(&db.url, &["--token", &token_for(&alice)])
            .await
            .expect("stdio with a token");
        let info = client.peer_info().expect("server info");
        assert!(
            info.instructions
                .as_deref()
                .is_some_and(|i| i.contains(&alice)),
            "[{backend:?}] the instructions name the user_id to pass"
        );
        let ok = call(
            &client,
            "add_task",
            json!({ "user_id": alice, "title": "from the IDE" }),
        )
        .await;
        assert!(support::result_json(&ok).is_ok(), "[{backend:?}]");
        let other = call(&client, "list_tasks", json!({ "user_id": "someone-else" })).await;
        assert!(
            error_text(&other).is_some_and(|e| e.contains("is not the signed-in user")),
            "[{backend:?}]"
        );
        let expired = sign(
            &json!({ "sub": alice, "exp": now() - 3600 }),
            support::SECRET,
        );
        assert!(
            stdio_client(&db.url, &["--token", &expired]).await.is_err(),
            "[{backend:?}] expired token refused"
        );
        assert!(
            stdio_client(&db.url, &[]).await.is_err(),
            "[{backend:?}] no identity refused"
        );
    }
}

#[tokio::test]
async fn services_refuse_to_start_without_a_proper_secret() {
    for (secret, expected) in [
        (None, "BETTER_AUTH_SECRET is not set"),
        (Some("short"), "at least 32 characters"),
    ] {
        let mut command = std::process::Command::new(support::BIN);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("BETTER_AUTH_SECRET");
        if let Some(secret) = secret {
            command.env("BETTER_AUTH_SECRET", secret);
        }
        let output = command.output().expect("run todo-mcp");
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(expected),
            "stderr names the problem: {stderr}"
        );
    }
    let output = std::process::Command::new(support::BIN)
        .args(["token", "--user-id", "x"])
        .env_remove("BETTER_AUTH_SECRET")
        .output()
        .expect("run todo-mcp token");
    assert!(!output.status.success(), "no token without a secret");
}

//! IDE modes: `--read-only` and `--tools` (env `TODO_MCP_READ_ONLY`, `TODO_MCP_TOOLS`) on both
//! `serve` and `stdio`. Modes do not depend on the backend, so these run on SQLite.

mod support;

use std::process::Stdio;

use serde_json::json;
use support::{
    BIN, Backend, Client, Database, SECRET, Server, stdio_client, token_for, unique_user,
};

async fn tool_names(client: &Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_all_tools()
        .await
        .expect("list_tools")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    names
}

/// A call to a tool the server does not offer fails, naming the tools it does offer.
async fn refused(client: &Client, tool: &str, enabled: &str) {
    let arguments = json!({ "task_id": 1, "title": "x" });
    let error = client
        .call_tool(
            rmcp::model::CallToolRequestParams::new(tool.to_owned())
                .with_arguments(arguments.as_object().cloned().unwrap()),
        )
        .await
        .expect_err("a disabled tool is refused");
    let message = error.to_string();
    assert!(
        message.contains(&format!("{tool:?} is not enabled on this server"))
            && message.contains(&format!("the enabled tools are: {enabled}")),
        "{tool}: {message}"
    );
}

/// Both transports, as `user`, with `args` as flags (stdio) and `env` (HTTP) or the reverse.
async fn clients(
    db: &Database,
    user: &str,
    flags: &[&str],
    env: &[(&str, &str)],
) -> Vec<(String, Client, Option<Server>)> {
    let mut identity = vec!["--user-id", user];
    identity.extend_from_slice(flags);
    let stdio = stdio_client(&db.url, &identity)
        .await
        .expect("stdio client");
    let server = Server::start_with(&db.url, &[], env).await;
    let http = server.client(&token_for(user)).await;
    let flagged = Server::start_with(&db.url, flags, &[]).await;
    let http_flags = flagged.client(&token_for(user)).await;
    vec![
        ("stdio flags".to_owned(), stdio, None),
        ("serve env".to_owned(), http, Some(server)),
        ("serve flags".to_owned(), http_flags, Some(flagged)),
    ]
}

#[tokio::test]
async fn read_only_offers_only_list_tasks() {
    let db = Database::new(Backend::Sqlite);
    let user = unique_user("ro");
    let writer = stdio_client(&db.url, &["--user-id", &user]).await.unwrap();
    support::call(&writer, "add_task", json!({ "title": "seen read-only" })).await;
    let setups = clients(
        &db,
        &user,
        &["--read-only"],
        &[("TODO_MCP_READ_ONLY", "true")],
    )
    .await;
    for (label, client, _server) in &setups {
        assert_eq!(tool_names(client).await, ["list_tasks"], "[{label}]");
        let listed = support::result_json(&support::call(client, "list_tasks", json!({})).await)
            .expect("list_tasks works");
        assert_eq!(listed["tasks"][0]["title"], "seen read-only", "[{label}]");
        for tool in ["add_task", "complete_task", "delete_task", "update_task"] {
            refused(client, tool, "list_tasks").await;
        }
        let instructions = client.peer_info().and_then(|i| i.instructions.clone());
        assert!(
            instructions
                .is_some_and(|i| i.contains("Only these tools are enabled here: list_tasks.")),
            "[{label}] the instructions say so"
        );
    }
    let listed =
        support::result_json(&support::call(&writer, "list_tasks", json!({})).await).unwrap();
    assert_eq!(
        listed["tasks"].as_array().map(Vec::len),
        Some(1),
        "nothing changed"
    );
}

#[tokio::test]
async fn tools_picks_the_offered_tools() {
    let db = Database::new(Backend::Sqlite);
    let user = unique_user("pick");
    let setups = clients(
        &db,
        &user,
        &["--tools", "list_tasks,add_task"],
        &[("TODO_MCP_TOOLS", "add_task,list_tasks")],
    )
    .await;
    for (label, client, _server) in &setups {
        assert_eq!(
            tool_names(client).await,
            ["add_task", "list_tasks"],
            "[{label}]"
        );
        let added = support::call(client, "add_task", json!({ "title": label })).await;
        assert!(support::result_json(&added).is_ok(), "[{label}]");
        for tool in ["complete_task", "delete_task", "update_task"] {
            refused(client, tool, "add_task, list_tasks").await;
        }
    }
    // With --read-only as well: the read-only ones among them.
    let both = stdio_client(
        &db.url,
        &[
            "--user-id",
            &user,
            "--read-only",
            "--tools",
            "add_task,list_tasks",
        ],
    )
    .await
    .unwrap();
    assert_eq!(tool_names(&both).await, ["list_tasks"]);
    let listed =
        support::result_json(&support::call(&both, "list_tasks", json!({})).await).unwrap();
    assert_eq!(listed["tasks"].as_array().map(Vec::len), Some(3));
}

/// Arguments and environment for one start of the binary.
type Start<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);

/// Runs `todo-mcp <args>` and returns (success, stderr).
async fn start(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let db = Database::new(Backend::Sqlite);
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("BETTER_AUTH_SECRET", SECRET)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), output)
        .await
        .expect("refused promptly")
        .expect("run todo-mcp");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn unknown_or_empty_tool_choices_refuse_to_start() {
    let unknown: [Start; 4] = [
        (
            &["stdio", "--user-id", "u", "--tools", "add_task,drop_table"],
            &[],
        ),
        (
            &["serve", "--listen", "127.0.0.1:0", "--tools", "drop_table"],
            &[],
        ),
        (
            &["stdio", "--user-id", "u"],
            &[("TODO_MCP_TOOLS", "list_tasks,nope")],
        ),
        (
            &["serve", "--listen", "127.0.0.1:0"],
            &[("TODO_MCP_TOOLS", "nope")],
        ),
    ];
    for (args, env) in unknown {
        let (ok, stderr) = start(args, env).await;
        assert!(!ok, "{args:?} {env:?} must not start");
        assert!(
            stderr.contains("invalid value")
                && stderr.contains("--tools")
                && stderr.contains("add_task, list_tasks, complete_task, delete_task, update_task"),
            "{args:?} {env:?}: a clear message naming the tools: {stderr}"
        );
    }
    for args in [
        &[
            "stdio",
            "--user-id",
            "u",
            "--read-only",
            "--tools",
            "add_task",
        ][..],
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--read-only",
            "--tools",
            "delete_task",
        ][..],
    ] {
        let (ok, stderr) = start(args, &[]).await;
        assert!(!ok, "{args:?} must not start");
        assert!(
            stderr.contains("read-only mode leaves none of the chosen tools")
                && stderr.contains("the read-only tools are: list_tasks"),
            "{args:?}: {stderr}"
        );
    }
}

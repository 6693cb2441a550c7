//! The client configurations in examples/ work as written: each stdio one is started exactly
//! as an IDE would start it (with the binary path filled in) and adds and lists a task.

mod support;

use std::process::Stdio;

use rmcp::{ServiceExt, transport::TokioChildProcess};
use serde_json::{Value, json};
use support::{call, result_json};

const PLACEHOLDER: &str = "/path/to/todo-chatbot";

fn server_entries(file: &str) -> Vec<Value> {
    let path = format!("{}/../examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("example exists"))
            .expect("example is valid JSON");
    let servers = config
        .get("mcpServers")
        .or_else(|| config.get("servers"))
        .expect("a servers map");
    servers
        .as_object()
        .expect("servers map")
        .values()
        .cloned()
        .collect()
}

#[tokio::test]
async fn stdio_examples_add_and_list_tasks() {
    let workspace = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    for file in [
        "claude-desktop/claude_desktop_config.json",
        "vscode/mcp.json",
        "cursor/mcp.json",
    ] {
        for entry in server_entries(file) {
            let home = tempfile::tempdir().unwrap();
            let command = entry["command"].as_str().expect("command");
            assert!(
                command.starts_with(PLACEHOLDER),
                "{file}: documented placeholder path"
            );
            let args: Vec<String> = entry["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect();
            let mut process = tokio::process::Command::new(support::BIN);
            process
                .args(&args)
                .env_clear()
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", home.path().join("data"));
            for (key, value) in entry
                .get("env")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let value = value.as_str().unwrap().replace(PLACEHOLDER, &workspace);
                let value = value.replace(
                    &format!("{workspace}/.dev"),
                    &home.path().display().to_string(),
                );
                process.env(key, value);
            }
            let (transport, _) = TokioChildProcess::builder(process)
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let client = ().serve(transport).await.unwrap_or_else(|e| panic!("{file}: {e}"));
            let user = args
                .iter()
                .skip_while(|a| *a != "--user-id")
                .nth(1)
                .expect("--user-id")
                .clone();
            let added = call(
                &client,
                "add_task",
                json!({ "user_id": user, "title": "from the example" }),
            )
            .await;
            assert!(result_json(&added).is_ok(), "{file}: add_task");
            let listed =
                result_json(&call(&client, "list_tasks", json!({ "user_id": user })).await)
                    .unwrap();
            assert_eq!(listed[0]["title"], "from the example", "{file}");
        }
    }
}

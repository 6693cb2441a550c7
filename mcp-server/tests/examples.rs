//! The client configurations in examples/ work as written: each stdio one is started exactly
//! as an IDE would start it (with the binary path filled in) and adds and lists a task, on a
//! checkout as fresh as a clone (nothing but its root exists: no `.dev/`, no `target/` output
//! but the binary); the remote HTTP one connects with its header and a token. The shell walk-
//! through in examples/remote-http/README.md runs in scripts/mcp-compat-test.sh.

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
    for file in [
        "claude-desktop/claude_desktop_config.json",
        "vscode/mcp.json",
        "cursor/mcp.json",
    ] {
        for entry in server_entries(file) {
            let home = tempfile::tempdir().unwrap();
            // A fresh clone: its root exists and nothing in it was made by a run yet.
            let clone = tempfile::tempdir().unwrap();
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
                let value = value
                    .as_str()
                    .unwrap()
                    .replace(PLACEHOLDER, &clone.path().display().to_string());
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
            assert_eq!(listed["tasks"][0]["title"], "from the example", "{file}");
        }
    }
}

#[tokio::test]
async fn remote_http_example_connects_with_its_header_and_a_token() {
    let file = "remote-http/vscode-mcp.json";
    let path = format!("{}/../examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let input = &config["inputs"][0];
    assert_eq!(
        input["type"], "promptString",
        "{file}: the token is prompted for"
    );
    assert_eq!(input["password"], true, "{file}: the token is masked");
    let reference = format!("${{input:{}}}", input["id"].as_str().unwrap());
    for entry in server_entries(file) {
        assert_eq!(entry["type"], "http", "{file}");
        let url = entry["url"].as_str().unwrap();
        assert_eq!(
            url, "http://127.0.0.1:8001/mcp",
            "{file}: the address `make dev` serves"
        );
        let header = entry["headers"]["Authorization"].as_str().unwrap();
        assert_eq!(
            header,
            format!("Bearer {reference}"),
            "{file}: bearer header"
        );

        // The same connection to a server on a free port: only the port differs.
        let dir = tempfile::tempdir().unwrap();
        let server =
            support::Server::start(&format!("sqlite://{}/todo.db", dir.path().display())).await;
        let user = support::unique_user("example");
        let token = header
            .replace(&reference, &support::token_for(&user))
            .trim_start_matches("Bearer ")
            .to_owned();
        let client = server.client(&token).await;
        let added = call(
            &client,
            "add_task",
            json!({ "user_id": user, "title": "from the HTTP example" }),
        )
        .await;
        assert!(result_json(&added).is_ok(), "{file}: add_task");
        let listed =
            result_json(&call(&client, "list_tasks", json!({ "user_id": user })).await).unwrap();
        let tasks = listed.get("tasks").unwrap_or(&listed);
        assert_eq!(tasks[0]["title"], "from the HTTP example", "{file}");
    }
}

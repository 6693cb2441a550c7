//! Plays natural-language cases against a running `todo-chat` over HTTP: each case in a fresh
//! user's fresh conversation, judged by the rules in `todo_chat::eval`.

use std::{collections::BTreeMap, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::Parser;
use futures::{StreamExt, stream};
use serde_json::{Value, json};
use todo_chat::eval;
use todo_common::identity::{JwtKeys, UserId};

#[derive(Parser)]
#[command(
    name = "todo-chat-eval",
    about = "Play NL cases against a running todo-chat"
)]
struct Args {
    /// Base URL of todo-chat.
    #[arg(long, env = "TODO_CHAT_URL", default_value = "http://127.0.0.1:8000")]
    url: String,
    /// A cases file (repeatable).
    #[arg(long = "cases", required = true)]
    cases: Vec<String>,
    /// The secret the adapter verifies tokens with (tokens are minted for fresh users).
    #[arg(
        long = "auth-secret",
        env = "BETTER_AUTH_SECRET",
        hide_env_values = true
    )]
    secret: Option<String>,
    /// Fail (exit 1) below this pass rate.
    #[arg(long, default_value_t = 0.95)]
    min_pass: f64,
    /// Cases played at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
}

struct Player {
    http: reqwest::Client,
    url: String,
    keys: JwtKeys,
}

impl Player {
    async fn send(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        anyhow::ensure!(status.is_success(), "{path}: HTTP {status}: {text}");
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn play(&self, case: &Value, n: usize) -> anyhow::Result<()> {
        let user = UserId::new(format!(
            "eval-{}-{n}-{}",
            std::process::id(),
            chrono_free_nanos()
        ))?;
        let token = self.keys.mint(&user, Duration::from_secs(3600));
        let base = format!("/api/{user}");
        let mut ids = Vec::new();
        for setup in case["setup"].as_array().into_iter().flatten() {
            let task = self
                .send(
                    &token,
                    reqwest::Method::POST,
                    &format!("{base}/tasks"),
                    Some(
                        json!({ "title": setup["title"], "description": setup.get("description") }),
                    ),
                )
                .await?;
            let id = task["id"].as_i64().context("created task has an id")?;
            if setup["completed"] == true {
                self.send(
                    &token,
                    reqwest::Method::PATCH,
                    &format!("{base}/tasks/{id}/complete"),
                    None,
                )
                .await?;
            }
            ids.push((setup["title"].as_str().unwrap_or_default().to_owned(), id));
        }
        let mut conversation: Option<i64> = None;
        for spec in case["turns"].as_array().into_iter().flatten() {
            let say = eval::substitute(spec["say"].as_str().unwrap_or_default(), &ids);
            let mut body = json!({ "message": say });
            if let Some(id) = conversation {
                body["conversation_id"] = json!(id);
            }
            let turn = self
                .send(
                    &token,
                    reqwest::Method::POST,
                    &format!("{base}/chat"),
                    Some(body),
                )
                .await?;
            conversation = turn["conversation_id"].as_i64();
            let tools: Vec<String> = turn["tool_calls"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect();
            eval::judge_turn(
                spec,
                &say,
                turn["response"].as_str().unwrap_or_default(),
                &tools,
            )
            .map_err(anyhow::Error::msg)?;
        }
        let tasks = self
            .send(&token, reqwest::Method::GET, &format!("{base}/tasks"), None)
            .await?;
        eval::judge_final(case, tasks.as_array().map_or(&[][..], Vec::as_slice))
            .map_err(anyhow::Error::msg)
    }
}

fn chrono_free_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("todo-chat-eval: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let player = Player {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?,
        url: args.url.trim_end_matches('/').to_owned(),
        keys: JwtKeys::from_secret(args.secret.as_deref())?,
    };
    let mut cases = Vec::new();
    for path in &args.cases {
        cases.extend(eval::load(path).map_err(anyhow::Error::msg)?);
    }
    let results: Vec<(String, String, anyhow::Result<()>)> = stream::iter(cases.iter().enumerate())
        .map(|(n, case)| {
            let player = &player;
            async move {
                (
                    case["id"].as_str().unwrap_or("?").to_owned(),
                    eval::category(case),
                    player.play(case, n).await,
                )
            }
        })
        .buffered(args.concurrency.max(1))
        .collect()
        .await;
    let mut failed = 0;
    // Per category, and for the must-not-act group (categories "no-act:*"): (passed, total).
    let mut categories: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (id, category, result) in &results {
        let mut count = |key: String| {
            let entry = categories.entry(key).or_default();
            entry.1 += 1;
            entry.0 += usize::from(result.is_ok());
        };
        count(category.clone());
        if category.starts_with("no-act") {
            count("(must not act)".to_owned());
        }
        match result {
            Ok(()) => println!("PASS {id}"),
            Err(e) => {
                failed += 1;
                println!("FAIL {id}: {e:#}");
            }
        }
    }
    println!("by category:");
    for (category, (passed, total)) in &categories {
        println!(
            "  {category:<20} {passed:>4}/{total:<4} {:>5.1}%",
            *passed as f64 * 100.0 / *total as f64
        );
    }
    let must_not_act_failed = categories
        .get("(must not act)")
        .is_some_and(|(passed, total)| passed < total);
    if must_not_act_failed {
        println!("a must-not-act case changed data (target 100%)");
    }
    let passed = results.len() - failed;
    let rate = if results.is_empty() {
        0.0
    } else {
        passed as f64 / results.len() as f64
    };
    println!(
        "pass rate {:.1}% (target {:.0}%)",
        rate * 100.0,
        args.min_pass * 100.0
    );
    println!("{passed} passed, {failed} failed");
    Ok(rate >= args.min_pass && !must_not_act_failed)
}

//! A closed-loop load generator: N workers send one kind of request back to back for a fixed
//! time over kept-alive connections, then one JSON line reports throughput and latency.
//! `todo-bench understand` instead times the offline model's understanding of each message in
//! process (see `understand.rs`).

mod understand;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clap::{Parser, Subcommand, ValueEnum};
use hdrhistogram::Histogram;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
    /// MCP tools/call add_task
    AddTask,
    /// MCP tools/call list_tasks (pending)
    ListTasks,
    /// POST /api/{user}/chat "add a task to ..." (one tool call a turn)
    Chat,
    /// The same turn through POST /chatkit (threads.create, or threads.add_user_message),
    /// read to the end of its event stream
    Chatkit,
}

/// `todo-bench --kind ... --url ...` runs the load generator; `todo-bench understand` the
/// in-process micro-benchmark.
#[derive(Parser)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    #[command(flatten)]
    load: Option<Args>,
}

#[derive(Subcommand)]
enum Mode {
    /// Time the offline model's understand-and-decide step per message (no network, no database).
    Understand(understand::Args),
}

#[derive(clap::Args)]
struct Args {
    #[arg(long, value_enum)]
    kind: Kind,
    /// todo-mcp's /mcp URL or todo-chat's base URL.
    #[arg(long)]
    url: String,
    #[arg(long)]
    token: String,
    #[arg(long)]
    user_id: String,
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    warmup: Duration,
    /// For chat: continue this conversation instead of a new one per worker.
    #[arg(long)]
    conversation: Option<i64>,
    /// For chat: start a new conversation on every turn (a "fresh" conversation).
    #[arg(long)]
    fresh: bool,
    /// A label for the report line.
    #[arg(long, default_value = "")]
    label: String,
}

struct Shared {
    histogram: Histogram<u64>,
    errors: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match (cli.mode, cli.load) {
        (Some(Mode::Understand(args)), _) => understand::run(&args),
        (None, Some(args)) => tokio::runtime::Runtime::new()?.block_on(load(Arc::new(args))),
        (None, None) => {
            use clap::CommandFactory;
            Cli::command().print_help()?;
            anyhow::bail!("give --kind ... (load generator) or a subcommand")
        }
    }
}

async fn load(args: Arc<Args>) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?;
    let shared = Arc::new(Mutex::new(Shared {
        histogram: Histogram::new(3)?,
        errors: 0,
    }));
    let start = Instant::now();
    let measure_from = start + args.warmup;
    let stop = measure_from + args.duration;
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let (args, http, shared) = (args.clone(), http.clone(), shared.clone());
        workers.push(tokio::spawn(async move {
            let mut conversation = args.conversation;
            let mut n = 0u64;
            while Instant::now() < stop {
                n += 1;
                let began = Instant::now();
                let ok = request(&http, &args, worker, n, &mut conversation).await;
                let elapsed = began.elapsed();
                if began >= measure_from {
                    let mut shared = shared.lock().expect("lock");
                    if ok {
                        let _ = shared.histogram.record(elapsed.as_micros() as u64);
                    } else {
                        shared.errors += 1;
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await?;
    }
    let shared = shared.lock().expect("lock");
    let h = &shared.histogram;
    let seconds = args.duration.as_secs_f64();
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{}",
        json!({
            "kind": format!("{:?}", args.kind), "label": args.label, "concurrency": args.concurrency,
            "requests": h.len(), "errors": shared.errors, "seconds": seconds,
            "rps": (h.len() as f64 / seconds).round(),
            "p50_ms": ms(0.50), "p95_ms": ms(0.95), "p99_ms": ms(0.99), "max_ms": h.max() as f64 / 1000.0,
        })
    );
    Ok(())
}

async fn request(
    http: &reqwest::Client,
    args: &Args,
    worker: usize,
    n: u64,
    conversation: &mut Option<i64>,
) -> bool {
    let (url, body) = match args.kind {
        Kind::AddTask => (
            args.url.clone(),
            tool_call(
                "add_task",
                json!({ "user_id": args.user_id, "title": format!("bench task {worker}-{n}") }),
            ),
        ),
        Kind::ListTasks => (
            args.url.clone(),
            tool_call(
                "list_tasks",
                json!({ "user_id": args.user_id, "status": "pending" }),
            ),
        ),
        Kind::Chat => {
            let mut body = json!({ "message": format!("add a task to water plant {worker}-{n}") });
            if let Some(id) = conversation {
                body["conversation_id"] = json!(id);
            }
            (format!("{}/api/{}/chat", args.url, args.user_id), body)
        }
        Kind::Chatkit => {
            let input = json!({
                "content": [{ "type": "input_text", "text": format!("add a task to water plant {worker}-{n}") }],
                "attachments": [], "inference_options": {},
            });
            let body = match conversation {
                Some(id) => json!({ "type": "threads.add_user_message",
                    "params": { "thread_id": format!("thr_{id}"), "input": input } }),
                None => json!({ "type": "threads.create", "params": { "input": input } }),
            };
            (format!("{}/chatkit", args.url), body)
        }
    };
    let response = http
        .post(url)
        .bearer_auth(&args.token)
        .header("accept", "application/json, text/event-stream")
        .json(&body)
        .send()
        .await;
    let Ok(response) = response else { return false };
    if !response.status().is_success() {
        return false;
    }
    if let Kind::Chatkit = args.kind {
        // The turn's events; it succeeded when its tool call became an item.
        let Ok(events) = response.text().await else {
            return false;
        };
        if conversation.is_none() && !args.fresh {
            *conversation = events
                .split("\"id\":\"thr_")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .and_then(|id| id.parse().ok());
        }
        return events.contains("\"type\":\"task\"") && !events.contains("\"type\":\"error\"");
    }
    let Ok(value) = response.json::<Value>().await else {
        return false;
    };
    match args.kind {
        Kind::Chat => {
            if conversation.is_none() && !args.fresh {
                *conversation = value["conversation_id"].as_i64();
            }
            value["tool_calls"][0]["name"] == "add_task"
        }
        _ => value["result"]["isError"] == false,
    }
}

fn tool_call(name: &str, arguments: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": name, "arguments": arguments } })
}

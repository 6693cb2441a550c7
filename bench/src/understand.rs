//! `todo-bench understand`: how long the offline model takes to understand one message and
//! decide what to do, in process (no network, no database). Every user message ("say") of the
//! eval case files is timed call by call with `Instant`, over rounds until a time or round
//! budget is spent, after a warm-up; one JSON line reports the spread in microseconds.

use std::{
    hint::black_box,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::bail;
use serde_json::json;

const DEFAULT_CASES: [&str; 5] = [
    "chat-adapter/eval/nl-dev-cases.json",
    "chat-adapter/eval/tuning-cases.json",
    "chat-adapter/eval/extra-cases.json",
    "chat-adapter/eval/heldout-cases.json",
    "chat-adapter/eval/heldout2-cases.json",
];

#[derive(clap::Args)]
pub struct Args {
    /// A case file whose turns' "say" messages are timed (repeatable; relative paths are from
    /// the repository root).
    #[arg(long = "cases", default_values_t = DEFAULT_CASES.map(String::from))]
    cases: Vec<String>,
    /// Rounds over all messages before timing starts.
    #[arg(long, default_value_t = 3)]
    warmup_rounds: u32,
    /// Stop timing after this long (checked after each full round)...
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// ...or after this many rounds, whichever comes first.
    #[arg(long, default_value_t = 200)]
    rounds: u32,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let mut messages = Vec::new();
    for path in &args.cases {
        messages.extend(load(&resolve(path))?);
    }
    if messages.is_empty() {
        bail!("no messages in {:?}", args.cases);
    }
    for _ in 0..args.warmup_rounds {
        for message in &messages {
            black_box(todo_chat::offline::understand_and_decide(black_box(
                message,
            )));
        }
    }
    let mut nanos = Vec::with_capacity(messages.len() * args.rounds.min(1_000) as usize);
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < args.rounds.max(1) && (rounds == 0 || start.elapsed() < args.duration) {
        for message in &messages {
            let began = Instant::now();
            black_box(todo_chat::offline::understand_and_decide(black_box(
                message,
            )));
            nanos.push(began.elapsed().as_nanos() as u64);
        }
        rounds += 1;
    }
    let mean = nanos.iter().sum::<u64>() as f64 / nanos.len() as f64;
    nanos.sort_unstable();
    // Nearest rank: the smallest value with at least q of the calls at or below it.
    let at = |q: f64| nanos[((q * nanos.len() as f64).ceil() as usize).clamp(1, nanos.len()) - 1];
    let us = |ns: f64| json!((ns / 10.0).round() / 100.0);
    // Written field by field so the line keeps this order (serde_json sorts object keys).
    println!(
        r#"{{"run":"understand","messages":{},"calls":{},"p50_us":{},"p95_us":{},"p99_us":{},"max_us":{},"mean_us":{}}}"#,
        messages.len(),
        nanos.len(),
        us(at(0.50) as f64),
        us(at(0.95) as f64),
        us(at(0.99) as f64),
        us(nanos[nanos.len() - 1] as f64),
        us(mean),
    );
    Ok(())
}

/// A relative path that is not there from the working directory is taken from the repository
/// root this binary was built in.
fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_relative() && !path.exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        if root.join(path).exists() {
            return root.join(path);
        }
    }
    path.to_path_buf()
}

/// The "say" of every turn of every case, with `{id:TITLE}` replaced by the number of the
/// setup task with that title, as the eval runner does.
fn load(path: &Path) -> anyhow::Result<Vec<String>> {
    let cases = todo_chat::eval::load(&path.display().to_string()).map_err(anyhow::Error::msg)?;
    let mut says = Vec::new();
    for case in &cases {
        let ids: Vec<(String, i64)> = case["setup"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(1..)
            .map(|(task, n)| (task["title"].as_str().unwrap_or_default().to_owned(), n))
            .collect();
        for turn in case["turns"].as_array().into_iter().flatten() {
            if let Some(say) = turn["say"].as_str() {
                says.push(todo_chat::eval::substitute(say, &ids));
            }
        }
    }
    Ok(says)
}

//! `todo-chat`: the chat endpoint and the task REST façade, in front of todo-mcp.

use std::{net::SocketAddr, process::ExitCode, sync::Arc, time::Duration};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use todo_chat::{
    agent::Agent,
    http::{App, Settings, TurnRate, route},
    mcp::McpGateway,
    metrics::Metrics,
    model::Model,
    offline::OfflineModel,
    openai::{DEFAULT_MODEL, OpenAiModel},
    store::{self, ChatStore},
};
use todo_common::{
    config::{self, DatabaseArgs, ProbeArgs, SecretArgs, ServeLimits},
    telemetry,
};

#[derive(Parser)]
#[command(
    name = "todo-chat",
    version,
    about = "The todo chat endpoint: an agent over todo-mcp"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve POST /api/{user_id}/chat, the task and conversation routes, and health endpoints.
    Serve(Box<ServeArgs>),
    /// Apply the conversation migrations and exit.
    Migrate(DatabaseArgs),
    /// Exit 0 when the server at --listen (or --url) is ready: the image's health check.
    Health {
        #[command(flatten)]
        listen: Listen,
        #[command(flatten)]
        probe: ProbeArgs,
    },
}

#[derive(Args)]
struct Listen {
    /// Address to listen on.
    #[arg(long, env = "TODO_CHAT_LISTEN", default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    listen: Listen,
    /// todo-mcp's Streamable HTTP endpoint.
    #[arg(
        long,
        env = "MCP_SERVER_URL",
        default_value = "http://127.0.0.1:8001/mcp"
    )]
    mcp_server_url: String,
    /// With a key (or a base URL), the agent uses an OpenAI(-compatible) model.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    openai_api_key: Option<String>,
    /// Any OpenAI-compatible server, e.g. http://localhost:11434/v1 for Ollama.
    #[arg(long, env = "OPENAI_BASE_URL")]
    openai_base_url: Option<String>,
    /// The model name; `local` forces the built-in offline model.
    #[arg(long, env = "OPENAI_MODEL")]
    openai_model: Option<String>,
    /// How long one model answer may take.
    #[arg(long, env = "TODO_MODEL_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    model_timeout: Duration,
    /// How long a whole chat turn may take, every model and tool call included; then it
    /// answers 504 listing the tool calls that ran. Keep the web proxy's timeout above it.
    #[arg(long, env = "TODO_TURN_DEADLINE", default_value = "45s", value_parser = humantime::parse_duration)]
    turn_deadline: Duration,
    #[command(flatten)]
    limits: ServeLimits,
    /// Chat turns one user may start per minute on this instance; beyond it, 429.
    #[arg(long, env = "TODO_TURNS_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    turns_per_minute: u32,
    /// Conversations one user may keep; a new one beyond it is refused (409).
    #[arg(long, env = "TODO_MAX_CONVERSATIONS_PER_USER", default_value_t = 10_000, value_parser = clap::value_parser!(i64).range(1..))]
    max_conversations_per_user: i64,
    /// The most tokens one OpenAI answer may use.
    #[arg(long, env = "TODO_MAX_TOKENS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_tokens: u32,
    /// Model round trips in one turn.
    #[arg(long, env = "TODO_MAX_STEPS", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=50))]
    max_steps: u16,
}

// A turn allocates and frees many small buffers on every worker thread (JSON, HTTP, SQL);
// mimalloc's thread-local heaps serve that faster than glibc's malloc (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    config::exit("todo-chat", run(Cli::parse().command).await)
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Health { listen, probe } => Ok(probe.check(listen.listen).await?),
        Command::Migrate(args) => {
            let db = args.connect()?;
            db.migrate(store::migrations()).await?;
            tracing::info!(backend = db.backend(), "migrations applied");
            Ok(())
        }
        Command::Serve(args) => {
            let keys = args.secret.keys()?;
            let db = args.db.open(store::migrations()).await?;
            let model = choose_model(&args)?;
            let gateway = McpGateway::new(args.mcp_server_url.clone())?;
            let listen = args.listen.listen;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, backend = db.backend(), model = model.name(), mcp = %args.mcp_server_url, "listening");
            let app = Arc::new(App {
                keys,
                store: ChatStore::new(db.clone()),
                migrations: store::migrations(),
                gateway,
                agent: Agent::new(model, args.model_timeout, usize::from(args.max_steps)),
                metrics: Metrics::default(),
                settings: Settings {
                    turn_deadline: args.turn_deadline,
                    turns_per_minute: args.turns_per_minute,
                    max_conversations: args.max_conversations_per_user,
                },
                turn_rate: TurnRate::per_minute(args.turns_per_minute),
            });
            todo_common::http::serve(
                listener,
                &args.limits,
                move |request, _peer| route(app.clone(), request),
                todo_common::http::shutdown_signal(),
            )
            .await;
            db.close().await;
            Ok(())
        }
    }
}

fn choose_model(args: &ServeArgs) -> anyhow::Result<Arc<dyn Model>> {
    let name = args.openai_model.as_deref().filter(|m| !m.is_empty());
    let key = args.openai_api_key.as_deref().filter(|k| !k.is_empty());
    let base = args.openai_base_url.as_deref().filter(|b| !b.is_empty());
    if name == Some("local") || (key.is_none() && base.is_none()) {
        return Ok(Arc::new(OfflineModel::new()));
    }
    let model = OpenAiModel::new(
        key.unwrap_or_default(),
        base,
        name.unwrap_or(DEFAULT_MODEL),
        args.model_timeout,
        args.max_tokens,
    )?;
    Ok(Arc::new(model))
}

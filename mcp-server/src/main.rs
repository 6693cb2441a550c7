//! `todo-mcp`: the todo tools as an MCP server, over stdio or Streamable HTTP.

mod direct_call;
mod http;
mod jsonrpc_guard;
mod mcp_endpoint;
mod metrics;
mod origin;
mod stdio;
mod store;
mod task;
mod tools;

use std::{net::SocketAddr, process::ExitCode, sync::Arc, time::Duration};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rmcp::ServiceExt;
use todo_common::{
    config::{self, DatabaseArgs, ProbeArgs, SecretArgs, ServeLimits},
    identity::UserId,
    telemetry,
};

use crate::{
    metrics::Metrics,
    store::TaskStore,
    tools::{EnabledTools, Principal, TodoServer},
};

#[derive(Parser)]
#[command(
    name = "todo-mcp",
    version,
    about = "The todo tools as an MCP server (stdio or Streamable HTTP)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP over Streamable HTTP at /mcp, with /healthz, /readyz and /metrics.
    Serve(ServeArgs),
    /// Serve MCP over stdin/stdout for IDEs and desktop clients, as one user.
    Stdio(StdioArgs),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print a development JWT for a user, signed with BETTER_AUTH_SECRET.
    Token(TokenArgs),
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
    #[arg(long, env = "TODO_MCP_LISTEN", default_value = "127.0.0.1:8001")]
    listen: SocketAddr,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    listen: Listen,
    /// Host names (or host:port) accepted in the Host header, against DNS rebinding. Add the
    /// container or Kubernetes Service names this server is reached by.
    #[arg(
        long,
        env = "TODO_MCP_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1,::1"
    )]
    allowed_hosts: Vec<String>,
    /// Browser origins accepted in the Origin header, e.g. https://todo.example.com,
    /// http://localhost:* (`:*` any port, `null` for Origin: null). Default: http(s) origins
    /// whose host is one of --allowed-hosts. Requests without Origin are always accepted.
    #[arg(long, env = "TODO_MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Option<Vec<String>>,
    #[command(flatten)]
    tools: ToolArgs,
    #[command(flatten)]
    limits: ServeLimits,
}

/// Which tools to offer, for IDEs that should see fewer than all five.
#[derive(Args)]
struct ToolArgs {
    /// Offer only the read-only tools (list_tasks).
    #[arg(long, env = "TODO_MCP_READ_ONLY")]
    read_only: bool,
    /// Offer only these tools, e.g. add_task,list_tasks (with --read-only: the read-only ones
    /// among them).
    #[arg(
        long,
        env = "TODO_MCP_TOOLS",
        value_delimiter = ',',
        value_parser = clap::builder::PossibleValuesParser::new(todo_common::TOOL_NAMES)
    )]
    tools: Option<Vec<String>>,
}

impl ToolArgs {
    fn enabled(&self) -> anyhow::Result<EnabledTools> {
        EnabledTools::select(self.read_only, self.tools.as_deref())
            .context("--read-only / --tools (TODO_MCP_READ_ONLY / TODO_MCP_TOOLS)")
    }
}

#[derive(Args)]
struct StdioArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    secret: SecretArgs,
    /// Act as the subject of this JWT (verified now with BETTER_AUTH_SECRET).
    #[arg(
        long,
        env = "TODO_TOKEN",
        hide_env_values = true,
        conflicts_with = "user_id"
    )]
    token: Option<String>,
    /// Single-user local mode: act as this user id.
    #[arg(long, env = "TODO_USER_ID")]
    user_id: Option<String>,
    #[command(flatten)]
    tools: ToolArgs,
}

#[derive(Args)]
struct TokenArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// The user id to put in `sub`.
    #[arg(long)]
    user_id: String,
    /// How long the token is valid, e.g. 30m, 12h, 30d.
    #[arg(long, default_value = "12h", value_parser = humantime::parse_duration)]
    ttl: Duration,
}

// A request allocates and frees many small buffers on every worker thread (JSON, HTTP, SQL);
// mimalloc's thread-local heaps serve that faster than glibc's malloc (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    config::exit("todo-mcp", run(Cli::parse().command).await)
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Health { listen, probe } => Ok(probe.check(listen.listen).await?),
        Command::Serve(args) => {
            let keys = args.secret.keys()?;
            let tools = args.tools.enabled()?;
            let store = open_store(&args.store).await?;
            let listen = args.listen.listen;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, backend = store.db().backend(), "listening");
            let origins =
                origin::OriginPolicy::new(&args.allowed_hosts, args.allowed_origins.as_deref())
                    .map_err(anyhow::Error::msg)
                    .context("--allowed-origins (TODO_MCP_ALLOWED_ORIGINS)")?;
            let settings = http::HttpSettings {
                allowed_hosts: args.allowed_hosts,
                tools,
                origins,
                limits: args.limits,
            };
            http::serve(
                listener,
                store.clone(),
                keys,
                settings,
                todo_common::http::shutdown_signal(),
            )
            .await;
            store.db().close().await;
            Ok(())
        }
        Command::Stdio(args) => {
            let tools = args.tools.enabled()?;
            let user = match (&args.token, &args.user_id) {
                (Some(token), _) => args
                    .secret
                    .keys()?
                    .verify(token)
                    .context("the --token / TODO_TOKEN is not valid")?,
                (None, Some(id)) => {
                    UserId::new(id.as_str()).context("--user-id must not be blank")?
                }
                (None, None) => anyhow::bail!(
                    "stdio needs an identity: pass --token (TODO_TOKEN) or --user-id (TODO_USER_ID)"
                ),
            };
            let store = open_store(&args.store).await?;
            tracing::info!(user = %user, backend = store.db().backend(), "serving MCP on stdio");
            let server = TodoServer::new(
                store.clone(),
                Principal::Fixed(user),
                Arc::new(Metrics::default()),
            )
            .with_tools(&tools);
            let running = server.serve(stdio::transport()).await?;
            running.waiting().await?;
            store.db().close().await;
            Ok(())
        }
        Command::Migrate(args) => {
            let db = args.connect()?;
            db.migrate(store::migrations()).await?;
            tracing::info!(backend = db.backend(), "migrations applied");
            Ok(())
        }
        Command::Token(args) => {
            let keys = args.secret.keys()?;
            let user = UserId::new(args.user_id).context("--user-id must not be blank")?;
            println!("{}", keys.mint(&user, args.ttl));
            Ok(())
        }
    }
}

/// The database and the bounds on what one user keeps in it.
#[derive(Args)]
struct StoreArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The most tasks one user may keep; add_task refuses more with a clear error.
    #[arg(long, env = "TODO_MAX_TASKS_PER_USER", default_value_t = store::DEFAULT_MAX_TASKS, value_parser = clap::value_parser!(i64).range(1..))]
    max_tasks_per_user: i64,
}

async fn open_store(args: &StoreArgs) -> anyhow::Result<TaskStore> {
    let db = args.db.open(store::migrations()).await?;
    Ok(TaskStore::new(db).with_max_tasks(args.max_tasks_per_user))
}

//! `todo-mcp`: the todo tools as an MCP server, over stdio or Streamable HTTP.

mod http;
mod metrics;
mod store;
mod task;
mod tools;

use std::{net::SocketAddr, process::ExitCode, sync::Arc, time::Duration};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rmcp::ServiceExt;
use todo_common::{
    config::{self, DatabaseArgs, ProbeArgs, SecretArgs},
    identity::UserId,
    telemetry,
};

use crate::{
    metrics::Metrics,
    store::TaskStore,
    tools::{Principal, TodoServer},
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
    db: DatabaseArgs,
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
}

#[derive(Args)]
struct StdioArgs {
    #[command(flatten)]
    db: DatabaseArgs,
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
            let store = open_store(&args.db).await?;
            let listen = args.listen.listen;
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, backend = store.db().backend(), "listening");
            let settings = http::HttpSettings {
                allowed_hosts: args.allowed_hosts,
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
            let store = open_store(&args.db).await?;
            tracing::info!(user = %user, backend = store.db().backend(), "serving MCP on stdio");
            let server = TodoServer::new(
                store.clone(),
                Principal::Fixed(user),
                Arc::new(Metrics::default()),
            );
            let running = server.serve(rmcp::transport::stdio()).await?;
            running.waiting().await?;
            store.db().close().await;
            Ok(())
        }
        Command::Migrate(args) => {
            let db = args.connect()?;
            db.migrate(&store::migrations()).await?;
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

async fn open_store(args: &DatabaseArgs) -> anyhow::Result<TaskStore> {
    Ok(TaskStore::new(args.open(&store::migrations()).await?))
}

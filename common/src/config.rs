//! Configuration both services read the same way: the database, the shared secret, and how
//! a service reports a fatal error on its way out.

use std::{net::SocketAddr, process::ExitCode, time::Duration};

use clap::Args;

use crate::{
    database::{self, Db, DbError, Migrations},
    identity::{JwtKeys, SecretError},
    probe::{self, ProbeError},
};

#[derive(Args, Debug)]
pub struct DatabaseArgs {
    /// postgres://... or sqlite://...; unset means a SQLite file in your data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connections in the database pool.
    #[arg(long, env = "TODO_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,
    /// Do not apply pending migrations at start (when a deployment runs `migrate` as a job).
    #[arg(long, env = "TODO_NO_MIGRATE")]
    pub no_migrate: bool,
}

impl DatabaseArgs {
    pub fn connect(&self) -> Result<Db, DbError> {
        Db::connect(
            &database::resolve_url(self.database_url.as_deref())?,
            self.max_connections,
        )
    }

    /// Connects and, unless `--no-migrate`, applies pending migrations.
    pub async fn open(&self, migrations: &Migrations) -> Result<Db, DbError> {
        let db = self.connect()?;
        if !self.no_migrate {
            db.migrate(migrations).await?;
        }
        Ok(db)
    }
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// The shared secret tokens are signed with.
    #[arg(
        long = "auth-secret",
        env = "BETTER_AUTH_SECRET",
        hide_env_values = true
    )]
    pub secret: Option<String>,
}

impl SecretArgs {
    pub fn keys(&self) -> Result<JwtKeys, SecretError> {
        JwtKeys::from_secret(self.secret.as_deref())
    }
}

/// Bounds on what one instance takes on (see `http::serve`).
#[derive(Args, Clone, Debug)]
pub struct ServeLimits {
    /// A client must send its request headers within this; slower ones are dropped.
    #[arg(long, env = "TODO_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_read_timeout: Duration,
    /// Open client connections; at the cap, new ones wait to be accepted.
    #[arg(long, env = "TODO_MAX_OPEN_CONNECTIONS", default_value_t = 4096)]
    pub max_open_connections: usize,
    /// Requests served at once; beyond that, 503 with Retry-After.
    #[arg(long, env = "TODO_MAX_IN_FLIGHT", default_value_t = 1024)]
    pub max_in_flight: usize,
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// Probe this URL instead, e.g. http://todo-chat:8000/readyz.
    #[arg(long)]
    pub url: Option<String>,
}

impl ProbeArgs {
    /// `Ok` when `--url`, or else the service listening at `listen`, is ready.
    pub async fn check(&self, listen: SocketAddr) -> Result<(), ProbeError> {
        let url = self.url.clone().unwrap_or_else(|| probe::ready_url(listen));
        probe::probe(&url).await
    }
}

/// The process exit: success, or the error chain in the log and on stderr.
pub fn exit(service: &str, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "{service} stopped");
            eprintln!("{service}: {e:#}");
            ExitCode::FAILURE
        }
    }
}

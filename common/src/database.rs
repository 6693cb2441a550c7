//! The database both services use: PostgreSQL (Neon in production) or SQLite (the embedded
//! default), chosen by `DATABASE_URL`, with each service's embedded migrations.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use sqlx::{
    AssertSqlSafe, PgPool, SqlSafeStr, SqlitePool,
    migrate::{Migration, MigrationType, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// How long a call waits for a pooled connection before it fails cleanly instead of hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// A pooled PostgreSQL connection idle longer than this is pinged before it is handed out, so
/// one that went away meanwhile (a database restart, a Neon suspend) is replaced, not failed
/// on. sqlx's default pings on every acquire, although it has just pinged the connection when
/// it was released: a third of the round trips of a one-statement call. HikariCP skips its
/// check within the same window (`aliveBypassWindowMs`, 500 ms).
const PING_IF_IDLE_FOR: Duration = Duration::from_millis(500);
/// Writers on the embedded SQLite file wait this long for each other.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_FILE: &str = "todo.db";
const DATA_DIR_NAME: &str = "todo-chatbot";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got scheme {0:?})"
    )]
    UnsupportedScheme(String),
    #[error("DATABASE_URL is not a valid connection string")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("no data directory for the embedded database; set DATABASE_URL or HOME")]
    NoDataDir,
    #[error("cannot create the data directory {0}")]
    DataDir(PathBuf, #[source] std::io::Error),
    #[error("applying migrations failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database did not answer: {0}")]
    Unreachable(String),
    #[error(
        "the database schema is at version {found}, this service needs {needed}; run `migrate`"
    )]
    NotMigrated { found: i64, needed: i64 },
}

/// A pool on whichever backend `DATABASE_URL` names.
///
/// Query code runs the same SQL on both through [`with_pool!`](crate::with_pool): both
/// backends accept `$n` placeholders and `RETURNING`.
#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to the concrete pool, so one piece of SQL serves both
/// backends with each arm type-checked on its own driver.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::database::Db::Postgres($pool) => $body,
            $crate::database::Db::Sqlite($pool) => $body,
        }
    };
}

/// One service's migrations for both backends, tracked in a table of its own so the two
/// services can share one database without tripping over each other's history.
pub struct Migrations {
    postgres: Migrator,
    sqlite: Migrator,
}

impl Migrations {
    pub fn new(table: &'static str, embedded: &EmbeddedMigrations) -> Self {
        let [mut postgres, mut sqlite] =
            [embedded.postgres, embedded.sqlite].map(|sqls| embedded.migrator(sqls));
        postgres.dangerous_set_table_name(table);
        sqlite.dangerous_set_table_name(table);
        Self { postgres, sqlite }
    }
}

/// A crate's migrations compiled into its binary: each file named once, its SQL for each
/// backend. Made by [`embed_migrations!`](crate::embed_migrations).
///
/// Not `sqlx::migrate!`: that macro's crate builds sqlx's whole driver and TLS stack (SQLite's
/// and aws-lc's C code included) a second time, for the build host: 138 of a cold build's 517
/// compile units (see bench/README.md). These are the same migrations (same versions and
/// checksums) by sqlx's own rules for a migrations directory.
#[derive(Debug)]
pub struct EmbeddedMigrations {
    /// `<version>_<description>.sql`, as in the migrations directories.
    pub names: &'static [&'static str],
    pub postgres: &'static [&'static str],
    pub sqlite: &'static [&'static str],
}

/// Embeds `migrations/postgres/<name>` and `migrations/sqlite/<name>` of the calling crate for
/// each name, in the order given.
#[macro_export]
macro_rules! embed_migrations {
    ($($name:literal),+ $(,)?) => {
        $crate::database::EmbeddedMigrations {
            names: &[$($name),+],
            postgres: &[$(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/", $name))),+],
            sqlite: &[$(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/", $name))),+],
        }
    };
}

/// A service's migrations, declared once: `pub fn migrations()` (made once per process, each
/// migration's checksum computed from its SQL, tracked in the table `$table`) over the files
/// named, and the test that they are every file of the crate's migrations directories, so that
/// a new file left out fails the tests.
#[macro_export]
macro_rules! service_migrations {
    (table: $table:literal, files: [$($name:literal),+ $(,)?] $(,)?) => {
        const MIGRATIONS: $crate::database::EmbeddedMigrations =
            $crate::embed_migrations!($($name),+);

        /// This service's migrations.
        pub fn migrations() -> &'static $crate::database::Migrations {
            static MADE: ::std::sync::LazyLock<$crate::database::Migrations> =
                ::std::sync::LazyLock::new(|| {
                    $crate::database::Migrations::new($table, &MIGRATIONS)
                });
            &MADE
        }

        #[cfg(test)]
        #[test]
        fn every_migration_file_is_embedded() {
            let root = ::std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            if let Err(e) = MIGRATIONS.check(root) {
                panic!("{e}");
            }
        }
    };
}

impl EmbeddedMigrations {
    fn migrator(&self, sqls: &'static [&'static str]) -> Migrator {
        let migrations = self
            .names
            .iter()
            .zip(sqls)
            .map(|(name, sql)| {
                // sqlx's rules (`sqlx::migrate::resolve_blocking`): the version before the
                // first `_`, then the description with `_` read as spaces.
                let (version, rest) = name.split_once('_').unwrap_or((*name, ""));
                let kind = MigrationType::from_filename(rest);
                let description = rest.trim_end_matches(kind.suffix()).replace('_', " ");
                Migration::new(
                    // A name without a version sorts first, and fails the test of
                    // `service_migrations!`.
                    version.parse().unwrap_or_default(),
                    description.into(),
                    kind,
                    AssertSqlSafe(*sql).into_sql_str(),
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
    }

    /// Every `.sql` file of `crate_dir`'s two migrations directories is named, and every name
    /// is such a file with a version (see `service_migrations!`).
    pub fn check(&self, crate_dir: &Path) -> Result<(), String> {
        let mut named: Vec<&str> = self.names.to_vec();
        named.sort_unstable();
        for backend in ["postgres", "sqlite"] {
            let dir = crate_dir.join("migrations").join(backend);
            let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut files: Vec<String> = entries
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|name| name.ends_with(".sql"))
                .collect();
            files.sort_unstable();
            if files != named {
                return Err(format!(
                    "{} holds {files:?}, but embed_migrations! names {named:?}",
                    dir.display()
                ));
            }
        }
        match named.iter().find(|name| {
            name.split_once('_')
                .is_none_or(|(version, _)| version.parse::<i64>().is_err())
        }) {
            Some(bad) => Err(format!("{bad}: not <version>_<description>.sql")),
            None => Ok(()),
        }
    }
}

/// `DATABASE_URL` if given, else a SQLite file in the user's data directory (created here).
pub fn resolve_url(configured: Option<&str>) -> Result<String, DbError> {
    if let Some(url) = configured.filter(|u| !u.trim().is_empty()) {
        return Ok(url.trim().to_owned());
    }
    let dir = dirs::data_dir()
        .ok_or(DbError::NoDataDir)?
        .join(DATA_DIR_NAME);
    std::fs::create_dir_all(&dir).map_err(|e| DbError::DataDir(dir.clone(), e))?;
    Ok(format!("sqlite://{}", dir.join(DEFAULT_FILE).display()))
}

impl Db {
    /// A lazily connecting pool: the service starts (and reports not-ready) while the
    /// database is away, and recovers without a restart when it comes back.
    pub fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => {
                let options = PgConnectOptions::from_str(url).map_err(DbError::InvalidUrl)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for > PING_IF_IDLE_FOR {
                                sqlx::Connection::ping(conn).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_lazy_with(options);
                Ok(Self::Postgres(pool))
            }
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(DbError::InvalidUrl)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Self::Sqlite(pool))
            }
            other => Err(DbError::UnsupportedScheme(other.to_owned())),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// Applies pending migrations. PostgreSQL serialises concurrent runs with an advisory lock.
    pub async fn migrate(&self, migrations: &Migrations) -> Result<(), DbError> {
        match self {
            Self::Postgres(pool) => migrations.postgres.run(pool).await?,
            Self::Sqlite(pool) => migrations.sqlite.run(pool).await?,
        }
        Ok(())
    }

    /// A bounded round trip, for readiness.
    pub async fn ping(&self) -> Result<(), DbError> {
        let round_trip = async {
            with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))
        };
        match tokio::time::timeout(PING_TIMEOUT, round_trip).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(DbError::Unreachable(e.to_string())),
            Err(_) => Err(DbError::Unreachable("timed out".into())),
        }
    }

    /// Readiness: the database answers within `within`, and every migration this service
    /// embeds has been applied (so a service never reports ready before its tables exist).
    pub async fn ready(&self, migrations: &Migrations, within: Duration) -> Result<(), DbError> {
        let migrator = match self {
            Self::Postgres(_) => &migrations.postgres,
            Self::Sqlite(_) => &migrations.sqlite,
        };
        let needed = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        // The table name is the service's own constant, never input.
        let sql = format!(
            "SELECT COALESCE(MAX(version), 0) FROM {} WHERE success",
            migrator.table_name
        );
        let found = async {
            with_pool!(self, pool => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_one(pool)
                .await)
        };
        match tokio::time::timeout(within, found).await {
            Err(_) => Err(DbError::Unreachable("timed out".into())),
            Ok(Ok(found)) if found >= needed => Ok(()),
            Ok(Ok(found)) => Err(DbError::NotMigrated { found, needed }),
            // No migrations table yet: nothing was migrated.
            Ok(Err(sqlx::Error::Database(e)))
                if e.message().contains("exist") || e.message().contains("no such table") =>
            {
                Err(DbError::NotMigrated { found: 0, needed })
            }
            Ok(Err(e)) => Err(DbError::Unreachable(e.to_string())),
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_url_wins_and_unknown_schemes_are_refused() {
        assert_eq!(
            resolve_url(Some(" sqlite::memory: ")).unwrap(),
            "sqlite::memory:"
        );
        assert!(matches!(
            Db::connect("mysql://localhost/db", 1),
            Err(DbError::UnsupportedScheme(s)) if s == "mysql"
        ));
    }

    #[tokio::test]
    async fn neon_style_urls_parse_unchanged() {
        let url = "postgres://u:p@ep-x.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require";
        assert!(matches!(Db::connect(url, 1), Ok(Db::Postgres(_))));
    }

    #[tokio::test]
    async fn sqlite_file_is_created_and_answers() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, 1).unwrap();
        db.ping().await.unwrap();
        assert!(dir.path().join("t.db").exists());
    }
}

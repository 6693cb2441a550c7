//! Logging: JSON lines on stderr (stdout belongs to the MCP stdio transport).
//!
//! Nothing here logs request headers or bodies, so tokens and secrets never reach the log.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` filter.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn"));
    // A second call (tests that run several services in one process) keeps the first subscriber.
    let _ = fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

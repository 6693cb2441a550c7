//! What the two services share, so each concern has exactly one implementation.

pub mod config;
pub mod database;
pub mod http;
pub mod identity;
pub mod probe;
pub mod row;
pub mod telemetry;

/// The contract's MCP tools (LOCKED names). Metrics label only these, so a misbehaving client
/// or model cannot grow the number of series.
pub const TOOL_NAMES: [&str; 5] = [
    "add_task",
    "list_tasks",
    "complete_task",
    "delete_task",
    "update_task",
];

/// `name` if it is one of the contract's tools, else `"unknown"`.
pub fn tool_label(name: &str) -> &'static str {
    TOOL_NAMES
        .into_iter()
        .find(|t| *t == name)
        .unwrap_or("unknown")
}

//! What the two services share, so each concern has exactly one implementation.

pub mod database;
pub mod http;
pub mod identity;
pub mod telemetry;

//! `todo-chat`: the chat endpoint, the agent loop, and the models behind it.

pub mod agent;
pub mod chatkit;
pub mod error;
pub mod eval;
pub mod history;
pub mod http;
pub mod mcp;
pub mod metrics;
pub mod model;
pub mod offline;
pub mod openai;
pub mod store;
pub mod turn;

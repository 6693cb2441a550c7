//! Prometheus metrics: chat turns by outcome and latency, and the tool calls they made.

use std::time::Duration;

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabel {
    tool: &'static str,
}

pub struct Metrics {
    registry: Registry,
    turns: Family<OutcomeLabel, Counter>,
    tool_calls: Family<ToolLabel, Counter>,
    latency: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let turns = Family::<OutcomeLabel, Counter>::default();
        let tool_calls = Family::<ToolLabel, Counter>::default();
        // 0.5 ms .. ~16 s: offline turns take milliseconds, hosted models seconds.
        let latency = Histogram::new(exponential_buckets(0.000_5, 2.0, 16));
        let mut registry = Registry::with_prefix("todo_chat");
        registry.register("turns", "Chat turns by outcome", turns.clone());
        registry.register(
            "tool_calls",
            "MCP tool calls made by the agent",
            tool_calls.clone(),
        );
        registry.register(
            "turn_duration_seconds",
            "Chat turn latency in seconds",
            latency.clone(),
        );
        Self {
            registry,
            turns,
            tool_calls,
            latency,
        }
    }
}

impl Metrics {
    pub fn record_turn(
        &self,
        outcome: &'static str,
        elapsed: Duration,
        tools: impl Iterator<Item = String>,
    ) {
        self.turns.get_or_create(&OutcomeLabel { outcome }).inc();
        self.latency.observe(elapsed.as_secs_f64());
        for tool in tools {
            self.tool_calls
                .get_or_create(&ToolLabel {
                    tool: todo_common::tool_label(&tool),
                })
                .inc();
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

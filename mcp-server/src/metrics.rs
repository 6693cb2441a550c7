//! Prometheus metrics: tool calls by name and outcome, and their latency.

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
struct CallLabels {
    tool: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabel {
    tool: &'static str,
}

type HistogramFamily = Family<ToolLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    latency: HistogramFamily,
}

impl Default for Metrics {
    fn default() -> Self {
        let calls = Family::<CallLabels, Counter>::default();
        // 0.25 ms .. ~4 s
        let latency: HistogramFamily =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.000_25, 2.0, 15)));
        let mut registry = Registry::with_prefix("todo_mcp");
        registry.register(
            "tool_calls",
            "MCP tool calls by tool and outcome",
            calls.clone(),
        );
        registry.register(
            "tool_call_duration_seconds",
            "MCP tool call latency in seconds",
            latency.clone(),
        );
        Self {
            registry,
            calls,
            latency,
        }
    }
}

impl Metrics {
    pub fn record_tool_call(&self, name: &str, outcome: &'static str, elapsed: Duration) {
        let tool = todo_common::tool_label(name);
        self.calls
            .get_or_create(&CallLabels { tool, outcome })
            .inc();
        self.latency
            .get_or_create(&ToolLabel { tool })
            .observe(elapsed.as_secs_f64());
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

#!/usr/bin/env bash
# Plays natural-language cases against the real stack: todo-mcp and todo-chat (the offline
# model unless OPENAI_* is set) on a fresh SQLite database, loopback only.
#   scripts/eval.sh [CASES.json ...]   (default: the shared dev set, our tuning and extra cases,
#   and the held-out set)
set -euo pipefail
cd "$(dirname "$0")/.."

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  # The shared dev set when this checkout sits beside shared/, else the copy kept here.
  dev=chat-adapter/eval/nl-dev-cases.json
  [ -f ../shared/eval/nl-dev-cases.json ] && dev=../shared/eval/nl-dev-cases.json
  cases=("$dev" chat-adapter/eval/tuning-cases.json chat-adapter/eval/extra-cases.json chat-adapter/eval/heldout-cases.json chat-adapter/eval/heldout2-cases.json)
fi

# The whole workspace, as every build here does: one feature set, no rebuild when switching.
cargo build --release --locked --workspace
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
export BETTER_AUTH_SECRET DATABASE_URL="sqlite://$work/eval.db"
export OPENAI_MODEL=${OPENAI_MODEL:-local}

listen_addr() { # the address a service logged in its "listening" line
  for _ in $(seq 1 200); do
    addr=$(grep -o '"addr":"[^"]*"' "$1" 2>/dev/null | head -n1 | cut -d'"' -f4)
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.05
  done
  echo "service did not start; log: $1" >&2; cat "$1" >&2; exit 1
}

target/release/todo-mcp serve --listen 127.0.0.1:0 2>"$work/mcp.log" &
pids+=($!)
mcp=$(listen_addr "$work/mcp.log")
MCP_SERVER_URL="http://$mcp/mcp" target/release/todo-chat serve --listen 127.0.0.1:0 2>"$work/chat.log" &
pids+=($!)
chat=$(listen_addr "$work/chat.log")

args=()
for c in "${cases[@]}"; do args+=(--cases "$c"); done
target/release/todo-chat-eval --url "http://$chat" "${args[@]}" ${EVAL_MIN_PASS:+--min-pass "$EVAL_MIN_PASS"}

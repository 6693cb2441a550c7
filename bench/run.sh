#!/usr/bin/env bash
# Measures todo-mcp and todo-chat on a private, durable PostgreSQL on this machine (loopback
# only, bounded in time). Prints a summary and writes JSON lines to bench/results/.
#   BENCH_SECONDS=10 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

seconds=${BENCH_SECONDS:-10}
cargo build --release --locked --workspace
mkdir -p bench/results
out="bench/results/run-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

echo "== offline model, understand and decide per message (in process, before the services start)"
target/release/todo-bench understand | tee -a "$out"

work=$(mktemp -d -u /tmp/todo-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg-test-server.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work"
DATABASE_URL=$(PG_DURABLE=1 scripts/pg-test-server.sh start "$work/pg")
BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
export DATABASE_URL BETTER_AUTH_SECRET
# The load generator is one user sending thousands of messages a second: lift the per-user
# limits and quotas that would (rightly) stop it.
export TODO_TURNS_PER_MINUTE=100000000 TODO_MAX_CONVERSATIONS_PER_USER=100000000 \
  TODO_MAX_TASKS_PER_USER=100000000
# Migrate first, so start-to-ready below measures a normal start.
target/release/todo-mcp migrate 2>/dev/null
target/release/todo-chat migrate 2>/dev/null

wait_ready() { # prints the milliseconds from $2 until /readyz answered 200
  wait_url "http://$1/readyz" 10 0.005 || { echo "not ready: $1" >&2; exit 1; }
  echo $(($(now_ms) - $2))
}

mcp="127.0.0.1:$(free_port)"
started=$(now_ms)
target/release/todo-mcp serve --listen "$mcp" 2>"$work/mcp.log" &
pids+=($!); mcp_pid=$!
mcp_ready_ms=$(wait_ready "$mcp" "$started")
chat="127.0.0.1:$(free_port)"
started=$(now_ms)
MCP_SERVER_URL="http://$mcp/mcp" OPENAI_MODEL=local target/release/todo-chat serve --listen "$chat" 2>"$work/chat.log" &
pids+=($!); chat_pid=$!
chat_ready_ms=$(wait_ready "$chat" "$started")

bench() { # KIND URL CONCURRENCY [extra args...]
  local kind=$1 url=$2 c=$3; shift 3
  local user="bench-$kind-$c-$RANDOM"
  local token; token=$(target/release/todo-mcp token --user-id "$user" --ttl 1h)
  if [ "$kind" = list-tasks ]; then
    for i in $(seq 1 50); do
      curl -fsS "http://$mcp/mcp" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add_task\",\"arguments\":{\"user_id\":\"$user\",\"title\":\"seed $i\"}}}" >/dev/null
    done
  fi
  target/release/todo-bench --kind "$kind" --url "$url" --token "$token" --user-id "$user" \
    --concurrency "$c" --duration "${seconds}s" "$@" | tee -a "$out"
}

echo "== todo-mcp over HTTP on PostgreSQL (${seconds}s each)"
for c in 1 32; do bench add-task "http://$mcp/mcp" "$c"; done
for c in 1 32; do bench list-tasks "http://$mcp/mcp" "$c"; done

echo "== todo-chat, offline model, one tool call a turn"
for c in 1 16; do bench chat "http://$chat" "$c" --fresh --label fresh; done

echo "== the same turn through ChatKit's protocol (POST /chatkit, its event stream read to the end)"
for c in 1 16; do bench chatkit "http://$chat" "$c" --fresh --label fresh; done

echo "== a 1,000-message conversation versus a fresh one (concurrency 1)"
user="bench-long-$RANDOM"
token=$(target/release/todo-mcp token --user-id "$user" --ttl 1h)
conversation=""
for i in $(seq 1 500); do
  body="{\"message\":\"add a task to seed item $i\"${conversation:+,\"conversation_id\":$conversation}}"
  reply=$(curl -fsS "http://$chat/api/$user/chat" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body")
  conversation=$(echo "$reply" | python3 -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])')
done
target/release/todo-bench --kind chat --url "http://$chat" --token "$token" --user-id "$user" --concurrency 1 \
  --duration "${seconds}s" --conversation "$conversation" --label long-1000 | tee -a "$out"
target/release/todo-bench --kind chat --url "http://$chat" --token "$token" --user-id "$user" --concurrency 1 \
  --duration "${seconds}s" --fresh --label fresh-same-user | tee -a "$out"

rss() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$1/status"; }
echo "{\"mcp_start_to_ready_ms\": $mcp_ready_ms, \"chat_start_to_ready_ms\": $chat_ready_ms, \"mcp_peak_rss\": \"$(rss "$mcp_pid")\", \"chat_peak_rss\": \"$(rss "$chat_pid")\"}" | tee -a "$out"
echo "results: $out"

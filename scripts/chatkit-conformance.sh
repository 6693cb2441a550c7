#!/usr/bin/env bash
# todo-chat's ChatKit protocol (POST /chatkit) checked with ChatKit's own server SDK types
# (openai-chatkit on PyPI, pinned in chat-adapter/chatkit-conformance/requirements.txt):
# requests built from the SDK's models, answers and events parsed as the SDK's types. Starts its
# own todo-mcp and todo-chat (offline model) on a fresh SQLite database and a random secret,
# loopback only; prints one line per check and `N passed, M failed`; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
kit=$PWD/chat-adapter/chatkit-conformance

cargo build --release --locked --workspace || exit 1

echo "==> python venv chat-adapter/chatkit-conformance/.venv (requirements.txt)"
if [ ! -x "$kit/.venv/bin/python" ]; then
  python3 -m venv "$kit/.venv" 2>/dev/null || python3 -m venv --without-pip --clear "$kit/.venv" || exit 1
fi
if [ -x "$kit/.venv/bin/pip" ]; then pip=("$kit/.venv/bin/pip"); else pip=(python3 -m pip --python "$kit/.venv/bin/python"); fi
"${pip[@]}" install -q --disable-pip-version-check -r "$kit/requirements.txt" || exit 1

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
export BETTER_AUTH_SECRET DATABASE_URL="sqlite://$work/todo.db"
mcp="127.0.0.1:$(free_port)"; chat="127.0.0.1:$(free_port)"
target/release/todo-mcp serve --listen "$mcp" 2>"$work/mcp.log" &
pids+=($!)
wait_url "http://$mcp/readyz" 30 || { cat "$work/mcp.log" >&2; exit 1; }
MCP_SERVER_URL="http://$mcp/mcp" OPENAI_MODEL=local target/release/todo-chat serve --listen "$chat" 2>"$work/chat.log" &
pids+=($!)
wait_url "http://$chat/readyz" 30 || { cat "$work/chat.log" >&2; exit 1; }

echo "==> openai-chatkit $("$kit/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("openai-chatkit"))') against POST /chatkit"
CHAT_URL="http://$chat" "$kit/.venv/bin/python" "$kit/conformance.py" || { tail -20 "$work/chat.log" >&2; exit 1; }

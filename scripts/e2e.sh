#!/usr/bin/env bash
# The browser end-to-end suite against the real stack: todo-mcp, todo-chat (offline model)
# and the Next.js app (its production build, standalone server) on a fresh SQLite data
# directory, loopback only. Desktop (1280x800), phone (390x844) and keyboard-only suites, an
# axe-core scan of every page (frontend/e2e/run.ts, specs/frontend.md), and a chatkit suite
# against a second web server in ChatKit mode (ChatKit's CDN script blocked: the fallback
# widget). A screenshot per step lands in artifacts/e2e/ (E2E_ARTIFACTS=dir to put them
# elsewhere; E2E_ONLY=phone for one suite). Needs Debian's chromium (/usr/bin/chromium) and the
# frontend's npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "Chromium is missing: apt-get install chromium" >&2; exit 1; }
# The whole workspace, as every build here does: one feature set, no rebuild when switching.
cargo build --release --locked --workspace
(cd frontend && { [ -d node_modules ] || npm install --no-audit --no-fund; } && npm run build \
  && rm -rf .next/standalone/.next/static && cp -r .next/static .next/standalone/.next/static \
  && if [ -d public ]; then rm -rf .next/standalone/public && cp -r public .next/standalone/public; fi)

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_ok() { wait_url "$1" 30 || { echo "not ready: $1" >&2; cat "$work"/*.log >&2; exit 1; }; }

BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
export BETTER_AUTH_SECRET DATABASE_URL="sqlite://$work/todo.db"
mcp="127.0.0.1:$(free_port)"; chat="127.0.0.1:$(free_port)"; web_port=$(free_port)
target/release/todo-mcp serve --listen "$mcp" 2>"$work/mcp.log" &
pids+=($!)
wait_ok "http://$mcp/readyz"
MCP_SERVER_URL="http://$mcp/mcp" OPENAI_MODEL=local target/release/todo-chat serve --listen "$chat" 2>"$work/chat.log" &
pids+=($!)
wait_ok "http://$chat/readyz"

export BETTER_AUTH_URL="http://127.0.0.1:$web_port" TODO_CHAT_URL="http://$chat" AUTH_DATABASE_PATH="$work/auth.db"
(cd frontend && env -u DATABASE_URL npm run --silent migrate)
# The standalone server, as the container runs it.
env -u DATABASE_URL PORT="$web_port" HOSTNAME=127.0.0.1 KEEP_ALIVE_TIMEOUT=65000 node frontend/.next/standalone/server.js >"$work/web.log" 2>&1 &
pids+=($!)
wait_ok "$BETTER_AUTH_URL/sign-in"
# The same build in ChatKit mode (docs/chatkit.md), chosen at start by CHAT_UI alone, for the
# chatkit suite (ChatKit's CDN script blocked: the fallback widget). Its own origin, the same
# auth database.
chatkit_url="http://127.0.0.1:$(free_port)"
env -u DATABASE_URL PORT="${chatkit_url##*:}" HOSTNAME=127.0.0.1 BETTER_AUTH_URL="$chatkit_url" \
  CHAT_UI=chatkit CHATKIT_DOMAIN_KEY=domain_pk_e2e_placeholder \
  KEEP_ALIVE_TIMEOUT=65000 node frontend/.next/standalone/server.js >"$work/web-chatkit.log" 2>&1 &
pids+=($!)
wait_ok "$chatkit_url/sign-in"

(cd frontend && E2E_BASE_URL="$BETTER_AUTH_URL" E2E_CHATKIT_URL="$chatkit_url" npm run --silent e2e)

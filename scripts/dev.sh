#!/usr/bin/env bash
# Runs the product on its embedded defaults: SQLite in your data directory, the built-in
# offline model, no API key, no database server, no Docker. The shared secret is generated
# once per checkout into .dev/ (git-ignored); nothing secret is shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

mkdir -p .dev
if [ ! -s .dev/secret ]; then
  (umask 077; head -c 32 /dev/urandom | base64 >.dev/secret)
fi
BETTER_AUTH_SECRET=$(cat .dev/secret)
export BETTER_AUTH_SECRET

# A debug build: it compiles in less than half the time of a release build (4.5 against 9.5
# minutes cold on 2 cores, see bench/README.md) and serves one person's chat in tens of
# milliseconds; `make test` reuses it. `make build` makes the release binaries (images, benchmarks,
# IDE set-ups).
bin=target/debug
if [ ! -x $bin/todo-mcp ] || [ ! -x $bin/todo-chat ]; then
  echo "First run: compiling todo-mcp and todo-chat (about 5 minutes on 2 cores; later runs take seconds)..."
fi
# The whole workspace, as the tests build it: one feature set, no rebuild when switching.
cargo build --locked --workspace
(cd frontend && { [ -d node_modules ] || npm install --no-audit --no-fund; })
mcp_listen=${TODO_MCP_LISTEN:-127.0.0.1:8001}
chat_listen=${TODO_CHAT_LISTEN:-127.0.0.1:8000}
web_port=${TODO_WEB_PORT:-3000}
user=${TODO_DEV_USER:-dev-user}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_ready() {
  wait_url "http://$1/readyz" 10 && return 0
  echo "$2 did not become ready on $1; see .dev/$2.log" >&2
  exit 1
}

$bin/todo-mcp serve --listen "$mcp_listen" 2>.dev/todo-mcp.log &
pids+=($!)
wait_ready "$mcp_listen" todo-mcp
echo "http://$mcp_listen/mcp" >.dev/mcp-url   # for examples/remote-http and other clients
MCP_SERVER_URL="http://$mcp_listen/mcp" $bin/todo-chat serve --listen "$chat_listen" 2>.dev/todo-chat.log &
pids+=($!)
wait_ready "$chat_listen" todo-chat

export BETTER_AUTH_URL="http://127.0.0.1:$web_port" TODO_CHAT_URL="http://$chat_listen" AUTH_DATABASE_PATH="$PWD/.dev/auth.db"
(cd frontend && npm run --silent migrate)
# The web app as it is deployed: a production build (no dev tools, nothing compiled on the first
# request), made once and again only when its sources change (their hash is kept in .dev/).
web_hash() {
  (cd frontend && find . \( -path ./node_modules -o -path ./.next -o -path ./dist -o -path ./e2e -o -path ./tests \) -prune \
    -o -type f ! -name '*.tsbuildinfo' ! -name next-env.d.ts -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
hash=$(web_hash)
if [ ! -f frontend/.next/standalone/server.js ] || [ "$(cat .dev/web-build.sha256 2>/dev/null)" != "$hash" ]; then
  echo "Building the web app (a production build: the first one takes a minute or two; later runs reuse it until frontend/ changes)..."
  rm -f .dev/web-build.sha256
  if ! (cd frontend && npm run --silent build >../.dev/web-build.log 2>&1); then
    tail -30 .dev/web-build.log >&2
    echo "The web app's build failed; the whole log is in .dev/web-build.log" >&2
    exit 1
  fi
  rm -rf frontend/.next/standalone/.next/static && cp -r frontend/.next/static frontend/.next/standalone/.next/static
  if [ -d frontend/public ]; then rm -rf frontend/.next/standalone/public && cp -r frontend/public frontend/.next/standalone/public; fi
  echo "$hash" >.dev/web-build.sha256
fi
# The standalone server (what `next start` would serve, as the container runs it).
PORT="$web_port" HOSTNAME=127.0.0.1 NODE_ENV=production KEEP_ALIVE_TIMEOUT=65000 node frontend/.next/standalone/server.js >.dev/web.log 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do curl -fsS -o /dev/null "$BETTER_AUTH_URL/sign-in" 2>/dev/null && break; sleep 0.2; done

(umask 077; $bin/todo-mcp token --user-id "$user" --ttl 12h >.dev/token)
model=$( [ -n "${OPENAI_API_KEY:-}" ] && echo "OpenAI (${OPENAI_MODEL:-gpt-4.1-mini})" || echo "the built-in offline model")
cat <<MSG

Todo Chatbot is running on its embedded defaults (SQLite in your data directory, $model).

  Open http://127.0.0.1:$web_port and sign up.

  chat:  http://$chat_listen/api/$user/chat
  MCP:   http://$mcp_listen/mcp   (IDE set-ups: examples/)
For the API directly, a 12-hour token for user "$user" is in .dev/token. Try:

  curl -s http://$chat_listen/api/$user/chat -H "Authorization: Bearer \$(cat .dev/token)" \\
    -H 'Content-Type: application/json' -d '{"message": "Add a task to buy groceries"}'

Logs are in .dev/*.log. Stop with Ctrl-C.
MSG
wait -n

#!/usr/bin/env bash
# Runs the product on its embedded defaults: SQLite in your data directory, no API key, no
# database server, no Docker. The shared secret is generated once per checkout into .dev/
# (git-ignored); nothing secret is shipped.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p .dev
if [ ! -s .dev/secret ]; then
  (umask 077; head -c 32 /dev/urandom | base64 >.dev/secret)
fi
BETTER_AUTH_SECRET=$(cat .dev/secret)
export BETTER_AUTH_SECRET

cargo build --release --locked -p todo-mcp
bin=target/release/todo-mcp
listen=${TODO_MCP_LISTEN:-127.0.0.1:8001}
user=${TODO_DEV_USER:-dev-user}
token=$("$bin" token --user-id "$user" --ttl 12h)

cat <<MSG

todo-mcp is starting on http://$listen/mcp (SQLite in your data directory).
A 12-hour token for user "$user" is in .dev/token. Try:

  curl -s http://$listen/mcp -H "Authorization: Bearer \$(cat .dev/token)" \\
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":{"user_id":"$user","title":"Buy groceries"}}}'

For an IDE over stdio, see examples/. Stop with Ctrl-C.

MSG
(umask 077; echo "$token" >.dev/token)
exec "$bin" serve --listen "$listen"

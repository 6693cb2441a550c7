#!/usr/bin/env bash
# The project's whole check, exactly as CI runs it: formatting, lints, and every test against
# real SQLite and a real PostgreSQL server (a private one started here unless
# TEST_DATABASE_URL already names one).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> cargo fmt --check"
cargo fmt --all --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

pg_dir=""
cleanup() { [ -n "$pg_dir" ] && scripts/pg-test-server.sh stop "$pg_dir"; }
trap cleanup EXIT

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  pg_dir=$(mktemp -d -u /tmp/todo-test-pg.XXXXXX)
  echo "==> starting a private PostgreSQL server"
  TEST_DATABASE_URL=$(scripts/pg-test-server.sh start "$pg_dir")
  export TEST_DATABASE_URL
fi

echo "==> cargo test (SQLite and PostgreSQL)"
cargo test --workspace --locked

echo "==> natural-language cases against the running stack (offline model, target >= 95%)"
scripts/eval.sh

echo "==> frontend: lint, type check, unit tests"
# `npm install` rather than `npm ci`: npm here writes lock files without other platforms'
# optional packages, which `npm ci` rejects; install still keeps every version the lock pins.
(cd frontend && npm install --no-audit --no-fund && npm run --silent lint && npm run --silent typecheck && npm test --silent)

echo "==> browser end to end (Chromium) against the running stack"
scripts/e2e.sh

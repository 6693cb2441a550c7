#!/usr/bin/env bash
# The project's whole check, exactly as CI runs it: formatting, lints, and every test against
# real SQLite and a real PostgreSQL server (a private one started here unless
# TEST_DATABASE_URL already names one), independent MCP clients, ChatKit's SDK types, the browser
# suite, the Helm chart and the images.
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

echo "==> RustSec advisories for Cargo.lock (security/advisory-db, a snapshot: see its SNAPSHOT)"
cargo run --quiet --locked -p todo-audit

echo "==> cargo test (SQLite and PostgreSQL)"
cargo test --workspace --locked

echo "==> natural-language cases against the running stack (offline model, target >= 95%)"
scripts/eval.sh

echo "==> MCP client compatibility: the official conformance suite, the TypeScript and Python SDKs"
scripts/mcp-compat-test.sh

echo "==> ChatKit protocol conformance: POST /chatkit against ChatKit's own server SDK types"
scripts/chatkit-conformance.sh

echo "==> frontend: lint, type check, unit tests"
# `npm install` rather than `npm ci`: npm here writes lock files without other platforms'
# optional packages, which `npm ci` rejects; install still keeps every version the lock pins.
(cd frontend && npm install --no-audit --no-fund && npm run --silent lint && npm run --silent typecheck && npm test --silent)

echo "==> browser end to end (Chromium) against the running stack"
scripts/e2e.sh

# The chart and the images need tools a laptop may lack; CI (TODO_REQUIRE_ALL=1) has them all.
missing() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    if [ "${TODO_REQUIRE_ALL:-0}" = 1 ]; then
      echo "$tool is missing (.ci/run installs it)" >&2
      exit 1
    fi
    echo "==> SKIPPED: $tool is not installed (.ci/run shows how to install it)"
    return 0
  done
  return 1
}

echo "==> Helm chart: lint, render, schema validation, policy"
missing helm kubeconform || scripts/chart-test.sh

echo "==> containers: build, run from the images, E2E against them, the chart's environment"
if ! missing docker hadolint helm; then
  if docker info >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # a list of docker build flags, e.g. the stand-in base images
    scripts/container-test.sh ${CONTAINER_BUILD_FLAGS:-}
  elif [ "${TODO_REQUIRE_ALL:-0}" = 1 ]; then
    echo "no Docker engine answers" >&2
    exit 1
  else
    echo "==> SKIPPED: no Docker engine answers"
  fi
fi

echo "==> the chart on a real Kubernetes node, offline (scripts/cluster-local.sh), with the images above"
if ! missing docker helm go containerd runc ctr iptables; then
  if [ "$(id -u)" != 0 ] || ! docker info >/dev/null 2>&1 || [ ! -x /usr/lib/cni/bridge ]; then
    [ "${TODO_REQUIRE_ALL:-0}" = 1 ] && { echo "the cluster needs root, a Docker engine and the CNI plugins" >&2; exit 1; }
    echo "==> SKIPPED: the local cluster needs root, a Docker engine and the CNI plugins (.ci/run shows how)"
  else
    cluster_rc=0
    scripts/cluster-local.sh up && scripts/cluster-test.sh || cluster_rc=$?
    scripts/cluster-local.sh down
    [ "$cluster_rc" = 0 ] || exit "$cluster_rc"
  fi
fi

#!/usr/bin/env bash
# The images, for real: hadolint, a BuildKit build of every image, then the stack run from the
# images on loopback (--network host) against a private PostgreSQL: the migrations, todo-mcp,
# todo-chat and the web app, each as non-root on a read-only root filesystem with every
# capability dropped; then the browser E2E suite against the web container; then the images
# again, exactly as the Helm chart renders their containers. Prints each image's size and its
# cold start to ready. Containers are removed at the end, also on failure.
# Extra arguments go to `docker build` (CI passes the stand-in base images this way).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

docker info >/dev/null 2>&1 || { echo "no Docker engine answers (start dockerd)" >&2; exit 1; }
tag=${IMAGE_TAG:-test}
report=artifacts/containers.txt
mkdir -p artifacts

work=$(mktemp -d)
pg_dir=$(mktemp -d -u /tmp/todo-container-pg.XXXXXX)
containers=()
cleanup() {
  [ ${#containers[@]} -eq 0 ] || docker rm -f -v "${containers[@]}" >/dev/null 2>&1 || true
  [ -d "$pg_dir" ] && scripts/pg-test-server.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> hadolint"
hadolint mcp-server/Dockerfile chat-adapter/Dockerfile frontend/Dockerfile
builder_stage() { sed -n '/ AS builder$/,/^FROM \${RUNTIME_IMAGE}/p' "$1"; }
diff <(builder_stage mcp-server/Dockerfile) <(builder_stage chat-adapter/Dockerfile) ||
  { echo "the Rust Dockerfiles' builder stages differ: the second build would not reuse the first" >&2; exit 1; }

echo "==> compose.yaml is valid, and refuses to start without its secrets"
compose=(docker compose)
command -v docker-compose >/dev/null 2>&1 && compose=(docker-compose)
: >"$work/empty.env"
BETTER_AUTH_SECRET=x POSTGRES_PASSWORD=y "${compose[@]}" --env-file "$work/empty.env" -f compose.yaml config -q
if env -u BETTER_AUTH_SECRET -u POSTGRES_PASSWORD "${compose[@]}" --env-file "$work/empty.env" -f compose.yaml config -q 2>/dev/null; then
  echo "compose.yaml starts without BETTER_AUTH_SECRET and POSTGRES_PASSWORD" >&2
  exit 1
fi

IMAGE_TAG=$tag scripts/images.sh "$@"


logs() { for c in "${containers[@]}"; do echo "--- $c" >&2; docker logs "$c" 2>&1 | tail -20 >&2; done; }
wait_ready() { wait_url "$1" 30 || { echo "not ready: $1" >&2; logs; exit 1; }; }
hardened=(--network host --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges)
# Starts a detached container; `ready_ms` is how long it took to answer its readiness URL.
start() {
  local name=$1 ready=$2 t0
  shift 2
  t0=$(now_ms)
  containers+=("$name")
  docker run -d --name "$name" "${hardened[@]}" "$@" >/dev/null
  wait_ready "$ready"
  ready_ms=$(($(now_ms) - t0))
}

DATABASE_URL=$(scripts/pg-test-server.sh start "$pg_dir")
BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DATABASE_URL BETTER_AUTH_SECRET
mcp=127.0.0.1:$(free_port)
chat=127.0.0.1:$(free_port)
web_port=$(free_port)
export BETTER_AUTH_URL=http://127.0.0.1:$web_port
suffix=$$

echo "==> no secret is baked in: todo-mcp without BETTER_AUTH_SECRET refuses to start and names it"
if out=$(docker run --rm "${hardened[@]}" -e DATABASE_URL "todo-mcp:$tag" serve 2>&1); then
  echo "todo-mcp started without a secret" >&2; exit 1
fi
grep -q BETTER_AUTH_SECRET <<<"$out" || { echo "the refusal does not name BETTER_AUTH_SECRET: $out" >&2; exit 1; }
for image in todo-mcp todo-chat todo-web; do
  if docker image inspect -f '{{join .Config.Env "\n"}}' "$image:$tag" | grep -Ei '^[A-Z_]*(SECRET|PASSWORD|API_KEY|TOKEN)[A-Z_]*='; then
    echo "$image:$tag sets a secret in its environment" >&2; exit 1
  fi
done

echo "==> migrations, each from its own image"
docker run --rm "${hardened[@]}" -e DATABASE_URL "todo-mcp:$tag" migrate
docker run --rm "${hardened[@]}" -e DATABASE_URL "todo-chat:$tag" migrate
docker run --rm "${hardened[@]}" -e DATABASE_URL -e BETTER_AUTH_SECRET -e BETTER_AUTH_URL "todo-web:$tag" migrate.mjs

echo "==> the stack from the images"
start "todo-mcp-$suffix" "http://$mcp/readyz" -e DATABASE_URL -e BETTER_AUTH_SECRET \
  -e TODO_NO_MIGRATE=true -e TODO_MCP_LISTEN="$mcp" "todo-mcp:$tag"
mcp_ms=$ready_ms
start "todo-chat-$suffix" "http://$chat/readyz" -e DATABASE_URL -e BETTER_AUTH_SECRET \
  -e TODO_NO_MIGRATE=true -e TODO_CHAT_LISTEN="$chat" -e MCP_SERVER_URL="http://$mcp/mcp" \
  -e OPENAI_MODEL=local "todo-chat:$tag"
chat_ms=$ready_ms
start "todo-web-$suffix" "$BETTER_AUTH_URL/readyz" -e DATABASE_URL -e BETTER_AUTH_SECRET \
  -e BETTER_AUTH_URL -e TODO_CHAT_URL="http://$chat" -e HOSTNAME=127.0.0.1 -e PORT="$web_port" \
  "todo-web:$tag"
web_ms=$ready_ms

echo "==> every container runs as non-root on a read-only root filesystem"
for c in "${containers[@]}"; do
  pid=$(docker inspect -f '{{.State.Pid}}' "$c")
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  readonly_root=$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$c")
  echo "    $c: uid $uid, read-only root $readonly_root"
  [ "$uid" != 0 ] || { echo "$c runs as root" >&2; exit 1; }
  [ "$readonly_root" = true ] || { echo "$c has a writable root filesystem" >&2; exit 1; }
done
echo "==> the images' health check command"
docker exec "todo-mcp-$suffix" todo-mcp health
docker exec "todo-chat-$suffix" todo-chat health

echo "==> the web server keeps an idle connection open past Node's default 5 s (KEEP_ALIVE_TIMEOUT)"
# A proxy or client reusing a connection the server is closing gets a reset; see frontend/Dockerfile.
python3 - "$web_port" <<'PY'
import http.client, socket, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
conn.request("GET", "/readyz")
first = conn.getresponse(); first.read()
time.sleep(6.5)
conn.sock.setblocking(False)
try:
    closed = conn.sock.recv(1) == b""
except BlockingIOError:
    closed = False
conn.sock.setblocking(True)
assert not closed, "the web server closed an idle kept-alive connection within 6.5 s"
conn.request("GET", "/readyz")
second = conn.getresponse(); second.read()
assert (first.status, second.status) == (200, 200), (first.status, second.status)
print("    one connection, 6.5 s idle between two requests: both 200")
PY
echo "==> browser E2E against the web container"
(cd frontend && E2E_BASE_URL="$BETTER_AUTH_URL" E2E_ARTIFACTS=../artifacts/e2e-containers npm run --silent e2e) || { logs; exit 1; }

echo "==> the embedded default: todo-mcp on SQLite in its /data volume, root still read-only"
sqlite_mcp=127.0.0.1:$(free_port)
start "todo-mcp-sqlite-$suffix" "http://$sqlite_mcp/readyz" -e BETTER_AUTH_SECRET \
  -e TODO_MCP_LISTEN="$sqlite_mcp" "todo-mcp:$tag"
sqlite_ms=$ready_ms

echo "==> the image as an IDE's stdio server: each examples/docker configuration, as written"
volume="todo-mcp-stdio-$suffix"
for config in examples/docker/*.json; do
  python3 scripts/docker_stdio_check.py "$config" "$tag" "$volume"
done
docker volume rm "$volume" >/dev/null

echo "==> the chart's manifests, run: image names, env, secret keys, args, ports and probes fit the images"
helm template todo chart --namespace todo --kube-version 1.34.0 -f chart/ci/minikube.yaml \
  --set secrets.existingSecret=todo-secrets >"$work/chart.yaml"
python3 scripts/chart_check.py images "$work/chart.yaml" "$tag"

size_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f", $1 / 1000000}'; }
{
  echo "image           size (MB)  cold start to ready (ms)"
  printf '%-15s %9s  %s\n' todo-mcp "$(size_mb "todo-mcp:$tag")" "$mcp_ms (PostgreSQL), $sqlite_ms (SQLite)"
  printf '%-15s %9s  %s\n' todo-chat "$(size_mb "todo-chat:$tag")" "$chat_ms"
  printf '%-15s %9s  %s\n' todo-web "$(size_mb "todo-web:$tag")" "$web_ms"
} | tee "$report"

#!/usr/bin/env bash
# A private, throwaway PostgreSQL server on loopback for tests and benchmarks.
#   scripts/pg-test-server.sh start DIR   -> prints the DATABASE_URL on stdout
#   scripts/pg-test-server.sh stop DIR
# Uses Debian's postgresql binaries. initdb refuses to run as root, so as root the cluster
# belongs to the `postgres` user that Debian's package creates.
set -euo pipefail

cmd=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}

pg_bin() {
  local found
  found=$(command -v "$1" 2>/dev/null || true)
  [ -n "$found" ] || found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n1)
  [ -n "$found" ] || { echo "PostgreSQL's $1 is not installed (Debian: apt-get install postgresql)" >&2; exit 1; }
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

. "$(dirname "$0")/lib.sh"

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    port=$(free_port)
    # Tests trade durability for speed; benchmarks set PG_DURABLE=1 to measure the real thing.
    fast="-c fsync=off -c synchronous_commit=off"
    [ "${PG_DURABLE:-0}" = 1 ] && fast=""
    initdb=$(pg_bin initdb)
    pg_ctl=$(pg_bin pg_ctl)
    as_owner "$initdb" -D "$dir/data" -U todo --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $fast -c max_connections=300" \
      start >/dev/null
    as_owner "$(pg_bin createdb)" -h 127.0.0.1 -p "$port" -U todo todo
    echo "$port" >"$dir/port"
    echo "postgres://todo@127.0.0.1:$port/todo"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$(pg_bin pg_ctl)" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

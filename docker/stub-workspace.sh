#!/bin/sh
# Empty sources for every workspace member, so `cargo build` in a Dockerfile compiles (and
# caches) the dependencies before the real sources are copied in.
set -eu
for lib in common testkit chat-adapter; do
  mkdir -p "$lib/src" && : >"$lib/src/lib.rs"
done
for bin in mcp-server/src/main.rs chat-adapter/src/main.rs chat-adapter/src/bin/todo-chat-eval.rs bench/src/main.rs audit/src/main.rs; do
  mkdir -p "$(dirname "$bin")" && echo 'fn main() {}' >"$bin"
done

#!/usr/bin/env bash
# Builds the product's images with BuildKit, from the repository root:
#   todo-mcp:$IMAGE_TAG, todo-chat:$IMAGE_TAG, todo-web:$IMAGE_TAG   (IMAGE_TAG defaults to local)
# Extra arguments go to every `docker build`, e.g. --build-arg RUST_IMAGE=... where no registry
# is reachable. CA_BUNDLE=/path/to/ca.pem hands a corporate proxy's CA to the dependency
# downloads as a BuildKit secret; it never lands in a layer.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=${IMAGE_TAG:-local}
flags=(--build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
if [ -n "${CA_BUNDLE:-}" ]; then
  [ -r "$CA_BUNDLE" ] || { echo "CA_BUNDLE=$CA_BUNDLE is not a readable file" >&2; exit 1; }
  flags+=(--secret "id=ca,src=$CA_BUNDLE")
fi
export DOCKER_BUILDKIT=1

# The Rust images share their builder stage, so the second build is a cache hit.
for spec in todo-mcp:mcp-server todo-chat:chat-adapter todo-web:frontend; do
  name=${spec%%:*}
  dir=${spec#*:}
  echo "==> docker build $name:$tag ($dir/Dockerfile)"
  docker build "${flags[@]}" "$@" -f "$dir/Dockerfile" -t "$name:$tag" .
done

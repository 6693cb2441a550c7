# Everyday commands. Each is a script under scripts/ (or bench/) so CI and people run the same.
.PHONY: dev test lint bench eval build migrate images chart-test container-test cluster-up cluster-down cluster-test minikube-up minikube-down

## Run the product on its embedded defaults (SQLite, offline, no Docker).
dev:
	scripts/dev.sh

## Everything CI checks: fmt, clippy, and all tests on SQLite and a private PostgreSQL.
test:
	scripts/test.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

## Throughput and latency figures (reported, never asserted).
bench:
	bench/run.sh

## Natural-language cases against the running stack (offline model unless OPENAI_* is set).
## `make eval CASES="a.json b.json"` plays other files.
eval:
	scripts/eval.sh $(CASES)

build:
	cargo build --release --locked --workspace

## Apply database migrations to DATABASE_URL (or the embedded default).
migrate:
	cargo run --release --locked -p todo-mcp -- migrate

## The three images (todo-mcp, todo-chat, todo-web), tagged $(IMAGE_TAG) or `local`.
images:
	scripts/images.sh

## The Helm chart offline: lint, render, strict schemas, policy, invalid values refused.
chart-test:
	scripts/chart-test.sh

## The images for real: build, run from them, browser E2E, the chart's environment.
container-test:
	scripts/container-test.sh

## A real single-node Kubernetes, offline (root); cluster-test runs the chart on it (images: make container-test).
cluster-up:
	scripts/cluster-local.sh up

cluster-down:
	scripts/cluster-local.sh down

cluster-test:
	scripts/cluster-local.sh up && scripts/cluster-test.sh; rc=$$?; scripts/cluster-local.sh down; exit $$rc

## The product on Minikube (builds the images inside it, installs the chart).
minikube-up:
	scripts/minikube-up.sh

minikube-down:
	scripts/minikube-down.sh

# Everyday commands. Each is a script under scripts/ (or bench/) so CI and people run the same.
.PHONY: dev test lint bench eval build migrate

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

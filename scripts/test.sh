#!/usr/bin/env bash
# Runs every check: formatting, clippy (native core and wasm glue), the
# native core tests, the OpenAPI lint, a release build, and the Miniflare
# suite that drives the built Worker over HTTP.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
ensure_debian_tool promtool prometheus
ensure_debian_tool chromium chromium
ensure_schemathesis

step() { printf '\n== %s\n' "$*"; }

step "rustfmt"
cargo fmt --check
step "clippy (native core)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32 edge)"
cargo clippy -p polyhook-rs --target wasm32-unknown-unknown -- -D warnings
step "cargo test (core and bench tool)"
cargo test --workspace
step "openapi lint"
redocly lint openapi.yaml
step "build"
build_worker
step "polyhook command (cli/), for the suite's cli tests"
cargo build -p polyhook-cli
step "miniflare suite"
node --test --test-concurrency=1 tests/
step "schemathesis: openapi.yaml (all checks) and the shared contract (wire checks)"
node tests/contract/schemathesis.mjs "$SCHEMATHESIS_BIN"
step "bench tool smoke run (figures not comparable; see npm run bench)"
cargo build --release -p polyhook-bench
./target/release/polyhook-bench ingest --quick > /dev/null
./target/release/polyhook-bench scale --quick > /dev/null

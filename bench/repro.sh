#!/usr/bin/env bash
# Builds bench/repro/ (the JS floor's Durable Object written with workers-rs)
# for `polyhook-bench ... --target repro`. Idempotent through cargo.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
cd "$ROOT/bench/repro"
CARGO_TARGET_DIR="$ROOT/target/repro" worker-build --release

#!/usr/bin/env bash
# Builds the Worker (build/index.js + build/index_bg.wasm; see build_worker in setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
build_worker

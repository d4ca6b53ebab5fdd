#!/usr/bin/env bash
# Runs the bench suite (bench/README.md): builds the worker and the native
# load tool, then measures polyhook-rs against the JavaScript baseline on
# this machine and writes bench/RESULTS.md. Extra arguments go to the tool,
# e.g. `npm run bench -- --quick` for a short check of the tool itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
build_worker
# The build before issue 28's work, for the before/after targets table.
bash bench/before.sh
# The floor's object in workers-rs, a column of the targets table.
bash bench/repro.sh
cargo build --release -p polyhook-bench -p polyhook-cli
./target/release/polyhook-bench all "$@"
# Response rules against none, on one runtime (writes its own RESULTS section).
node bench/answers.mjs
# Where cold-start time goes, and a CPU profile under ingest (their own sections).
node bench/coldsplit.mjs
node bench/profile.mjs
# polyhook listen end to end: latency, throughput, backlog drain (its own section).
node bench/forward.mjs
# Signature verification's ingest cost and a q search over 10,000 captures (its own section).
node bench/verify.mjs
# A creation flood from 10,000 addresses in 80 networks (its own section).
node bench/crowd.mjs
# How fast a waiting request hears of its capture (its own section).
node bench/wait.mjs
# What the sender pays to get the app's own answer through listen --reply (its own section).
node bench/reply.mjs
# What a /metrics scrape costs at 1, 16 and 128 metrics shards (printed).
node bench/scrape.mjs

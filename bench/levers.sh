#!/usr/bin/env bash
# Each lever on its own: for every COMMIT given, the worker at its parent
# and at the commit, built side by side (bench/.levers/), then measured in
# one run, alternating parent and lever on fresh runtimes: the ingest
# scenario (workerd CPU per request, p50, p99), the one-bin ramp
# (capacity), a cold start, and the gzipped wasm. One JSON line per lever.
# Usage: bash bench/levers.sh [--seconds N] [--ramp-step N] COMMIT...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SECONDS_INGEST=20
RAMP_STEP=3
COMMITS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_INGEST="$2"; shift 2 ;;
    --ramp-step) RAMP_STEP="$2"; shift 2 ;;
    *) COMMITS+=("$1"); shift ;;
  esac
done
cd "$ROOT"
cargo build --release -q -p polyhook-bench
BENCH="$ROOT/target/release/polyhook-bench"
dir() { echo "$HERE/.levers/$(git rev-parse --short=10 "$1")"; }
for c in "${COMMITS[@]}"; do
  bash "$HERE/build-commit.sh" "$c^" "$(dir "$c^")" >&2
  bash "$HERE/build-commit.sh" "$c" "$(dir "$c")" >&2
done
# One target's figures as a JSON object.
measure() {
  local d="$1" ingest ramp cold
  ingest="$(POLYHOOK_BENCH_BEFORE_DIR="$d" "$BENCH" ingest --target before --seconds "$SECONDS_INGEST")"
  ramp="$(POLYHOOK_BENCH_BEFORE_DIR="$d" "$BENCH" ramp --target before --seconds "$RAMP_STEP")"
  cold="$(POLYHOOK_BENCH_BEFORE_DIR="$d" "$BENCH" coldstart --target before)"
  node -e '
    const [i, r, c, wasm] = process.argv.slice(1);
    const ingest = JSON.parse(i), ramp = JSON.parse(r), cold = JSON.parse(c);
    const gz = Number(require("node:child_process").execSync(`gzip -9 -c ${wasm} | wc -c`));
    console.log(JSON.stringify({ cpu_ms: +ingest.workerd_cpu_ms_per_request.toFixed(3), p50_ms: ingest.ingest.latency.p50_ms,
      p99_ms: ingest.ingest.latency.p99_ms, capacity_rps: ramp.capacity_rps,
      listening_to_first_ms: +(cold.first_ingest_ms - cold.listening_ms).toFixed(1), wasm_gz: gz }));
  ' "$ingest" "$ramp" "$cold" "$d/build/index_bg.wasm"
}
for c in "${COMMITS[@]}"; do
  echo "== lever $(git log --format='%h %s' -1 "$c" | cut -c1-90)" >&2
  parent="$(measure "$(dir "$c^")")"
  lever="$(measure "$(dir "$c")")"
  echo "{\"lever\":\"$(git rev-parse --short "$c")\",\"subject\":$(git log --format=%s -1 "$c" | cut -c1-80 | node -e 'process.stdin.on("data",d=>process.stdout.write(JSON.stringify(String(d).trim())))'),\"parent\":$parent,\"after\":$lever}"
done

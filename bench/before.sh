#!/usr/bin/env bash
# Builds the polyhook-rs worker as it was before issue 28's work into
# bench/.before (wrangler.toml + build/), so `npm run bench` measures
# before and after in one run. Idempotent: skipped when bench/.before
# already holds that commit's build. POLYHOOK_BENCH_BEFORE picks another
# commit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/build-commit.sh" "${POLYHOOK_BENCH_BEFORE:-bc0c9f31c8079c3d342608015adb673aaf2acdfb}" "$HERE/.before"

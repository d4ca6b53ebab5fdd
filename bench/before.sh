#!/usr/bin/env bash
# Builds the polyhook-rs worker as it was before issue 17's work into
# bench/.before (wrangler.toml + build/), so `npm run bench` measures
# before and after in one run. Idempotent: skipped when bench/.before
# already holds that commit's build. POLYHOOK_BENCH_BEFORE picks another
# commit. Sourced setup.sh provides worker-build and its tools.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
BEFORE="$(git -C "$ROOT" rev-parse "${POLYHOOK_BENCH_BEFORE:-e78f61ec189aa01737b1b3036c94aba8c800177b}^{commit}")"
DEST="$ROOT/bench/.before"
if [ "$(cat "$DEST/COMMIT" 2>/dev/null)" = "$BEFORE" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/before-src/$BEFORE"
say "building the before worker ($BEFORE; first run only, a few minutes)"
rm -rf "$SRC" && mkdir -p "$SRC"
git -C "$ROOT" archive "$BEFORE" | tar -x -C "$SRC"
# Its own target directory: build.rs paths differ between checkouts.
(cd "$SRC" && CARGO_TARGET_DIR="$TOOLS/before-target" worker-build --release)
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$BEFORE" > "$DEST/COMMIT"

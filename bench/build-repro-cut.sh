#!/usr/bin/env bash
# Builds the workers-rs reproduction (bench/repro/) with one cut point
# applied (bench/cuts/repro-*.patch) into DEST (wrangler.toml + build/), as
# bench/repro.sh builds it but in a target directory of its own: in a shared
# one, cargo finds bench/repro/ fresh after a cut was linked there and does
# not copy its output again, so repro.sh's worker-build packed the last cut
# as the reproduction itself. Built as at the
# last commit that changed bench/repro/, so other commits reuse the build.
# Idempotent. Used by bench/cuts.mjs; the worker's cuts go through
# bench/build-commit.sh's PATCH argument instead.
# Usage: bash bench/build-repro-cut.sh PATCH DEST
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
PATCH="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DEST="$2"
REV="$(git -C "$ROOT" log -1 --format=%H -- bench/repro)"
KEY="$REV $(sha256sum "$PATCH" | cut -c1-16)"
if [ "$(cat "$DEST/KEY" 2>/dev/null)" = "$KEY" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/cut-src/$(basename "$PATCH" .patch)"
say "building the reproduction with $(basename "$PATCH") (a minute or two)"
rm -rf "$SRC" && mkdir -p "$SRC"
git -C "$ROOT" archive "$REV" bench/repro | tar -x -C "$SRC" --strip-components=2
find "$SRC" -exec touch {} +
# A patch that no longer applies fails here, naming itself.
(cd "$SRC" && git apply -p3 "$PATCH")
(cd "$SRC" && CARGO_TARGET_DIR="$ROOT/target/repro-cuts" worker-build --release)
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$KEY" > "$DEST/KEY"
rm -rf "$SRC"

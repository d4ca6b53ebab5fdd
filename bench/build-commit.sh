#!/usr/bin/env bash
# Builds the worker as it was at COMMIT into DEST (wrangler.toml + build/),
# with that commit's own build script, and PATCH applied if one is given.
# Idempotent: skipped when DEST already holds that build. Used by
# before.sh, levers.sh and cuts.mjs.
# Usage: bash bench/build-commit.sh COMMIT DEST [PATCH]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
COMMIT="$(git -C "$ROOT" rev-parse "$1^{commit}")"
DEST="$2"
PATCH="${3:+$(cd "$(dirname "$3")" && pwd)/$(basename "$3")}"
STAMP="$COMMIT${PATCH:+ $(sha256sum "$PATCH" | cut -c1-16)}"
if [ "$(cat "$DEST/COMMIT" 2>/dev/null)" = "$STAMP" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/before-src/$COMMIT"
say "building the worker at $COMMIT${PATCH:+ with $(basename "$PATCH")} (a few minutes)"
rm -rf "$SRC" && mkdir -p "$SRC"
git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SRC"
# Files dated now, not at the commit: cargo must see them as changed since
# the last build in the shared target directory (build.rs's page included).
find "$SRC" -exec touch {} +
# A patch that no longer applies fails here, naming itself.
if [ -n "$PATCH" ]; then (cd "$SRC" && git apply "$PATCH"); fi
# The same npm packages (the page's minifier, wasm-opt) without a second install.
ln -s "$ROOT/node_modules" "$SRC/node_modules"
# Its own target directory: build.rs paths differ between checkouts.
(cd "$SRC" && CARGO_TARGET_DIR="$TOOLS/before-target" bash scripts/build.sh)
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$STAMP" > "$DEST/COMMIT"
rm -rf "$SRC"

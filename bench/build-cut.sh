#!/usr/bin/env bash
# Builds the worker at HEAD with one cut point applied (bench/cuts/N-*.patch)
# into DEST (wrangler.toml + build/). Idempotent: skipped when DEST holds
# the build of this HEAD and this patch. Used by bench/cuts.mjs.
# Usage: bash bench/build-cut.sh PATCH DEST
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
PATCH="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DEST="$2"
KEY="$(git -C "$ROOT" rev-parse HEAD) $(sha256sum "$PATCH" | cut -c1-16)"
if [ "$(cat "$DEST/KEY" 2>/dev/null)" = "$KEY" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/cut-src/$(basename "$PATCH" .patch)"
say "building the worker with $(basename "$PATCH") (a minute or two)"
rm -rf "$SRC" && mkdir -p "$SRC"
git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
find "$SRC" -exec touch {} +
# A patch that no longer applies fails here, naming itself.
(cd "$SRC" && git apply "$PATCH")
ln -s "$ROOT/node_modules" "$SRC/node_modules"
# The target directory bench/build-commit.sh uses: the dependencies are built once.
(cd "$SRC" && CARGO_TARGET_DIR="$TOOLS/before-target" bash scripts/build.sh)
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$KEY" > "$DEST/KEY"
rm -rf "$SRC"

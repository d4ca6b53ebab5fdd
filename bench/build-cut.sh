#!/usr/bin/env bash
# Builds the worker as at HEAD with one cut point applied (bench/cuts/N-*.patch)
# into DEST (wrangler.toml + build/); a `repro-*` patch applies to the
# workers-rs reproduction (bench/repro/) instead. Idempotent: skipped when
# DEST holds the build of this HEAD and this patch. Used by bench/cuts.mjs.
# Usage: bash bench/build-cut.sh PATCH DEST
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
PATCH="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DEST="$2"
# Keyed by the last commit that changed what is built, so bench and doc
# commits reuse the builds.
if [[ "$(basename "$PATCH")" == repro-* ]]; then
  REV="$(git -C "$ROOT" log -1 --format=%H -- bench/repro)"
else
  REV="$(git -C "$ROOT" log -1 --format=%H -- . ':(exclude)bench' ':(exclude)*.md')"
fi
KEY="$REV $(sha256sum "$PATCH" | cut -c1-16)"
if [ "$(cat "$DEST/KEY" 2>/dev/null)" = "$KEY" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/cut-src/$(basename "$PATCH" .patch)"
say "building the worker with $(basename "$PATCH") (a minute or two)"
rm -rf "$SRC" && mkdir -p "$SRC"
if [[ "$(basename "$PATCH")" == repro-* ]]; then
  # Built as bench/repro.sh builds it, in that target directory.
  git -C "$ROOT" archive "$REV" bench/repro | tar -x -C "$SRC" --strip-components=2
  find "$SRC" -exec touch {} +
  (cd "$SRC" && git apply -p3 "$PATCH")
  (cd "$SRC" && CARGO_TARGET_DIR="$ROOT/target/repro" worker-build --release)
else
  git -C "$ROOT" archive "$REV" | tar -x -C "$SRC"
  find "$SRC" -exec touch {} +
  # A patch that no longer applies fails here, naming itself.
  (cd "$SRC" && git apply "$PATCH")
  ln -s "$ROOT/node_modules" "$SRC/node_modules"
  # The target directory bench/build-commit.sh uses: the dependencies are built once.
  (cd "$SRC" && CARGO_TARGET_DIR="$TOOLS/before-target" bash scripts/build.sh)
fi
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$KEY" > "$DEST/KEY"
rm -rf "$SRC"

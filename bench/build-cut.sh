#!/usr/bin/env bash
# Builds the worker with one cut point applied (bench/cuts/N-*.patch) into
# DEST (wrangler.toml + build/), through build-commit.sh; a `repro-*` patch
# applies to the workers-rs reproduction (bench/repro/) instead. Either is
# built as at the last commit that changed it, so bench and doc commits
# reuse the builds. Idempotent. Used by bench/cuts.mjs.
# Usage: bash bench/build-cut.sh PATCH DEST
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
PATCH="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DEST="$2"
if [[ "$(basename "$PATCH")" != repro-* ]]; then
  REV="$(git -C "$ROOT" log -1 --format=%H -- . ':(exclude)bench' ':(exclude)*.md')"
  exec bash "$(dirname "${BASH_SOURCE[0]}")/build-commit.sh" "$REV" "$DEST" "$PATCH"
fi
REV="$(git -C "$ROOT" log -1 --format=%H -- bench/repro)"
# The reproduction, built as bench/repro.sh builds it, in that target directory.
KEY="$REV $(sha256sum "$PATCH" | cut -c1-16)"
if [ "$(cat "$DEST/KEY" 2>/dev/null)" = "$KEY" ] && [ -f "$DEST/build/index.js" ]; then
  exit 0
fi
SRC="$TOOLS/cut-src/$(basename "$PATCH" .patch)"
say "building the reproduction with $(basename "$PATCH") (a minute or two)"
rm -rf "$SRC" && mkdir -p "$SRC"
git -C "$ROOT" archive "$REV" bench/repro | tar -x -C "$SRC" --strip-components=2
find "$SRC" -exec touch {} +
(cd "$SRC" && git apply -p3 "$PATCH")
(cd "$SRC" && CARGO_TARGET_DIR="$ROOT/target/repro" worker-build --release)
rm -rf "$DEST" && mkdir -p "$DEST"
cp -r "$SRC/build" "$DEST/build"
cp "$SRC/wrangler.toml" "$DEST/wrangler.toml"
echo "$KEY" > "$DEST/KEY"
rm -rf "$SRC"

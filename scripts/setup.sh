#!/usr/bin/env bash
# Installs everything building and testing need, then exports the paths the
# build uses. Sourced by dev.sh, build.sh and test.sh. Idempotent: each step
# checks first, so a machine that has everything passes through in seconds.
#
# Nothing here downloads from outside the package registries: worker-build
# is pointed at a wasm-bindgen CLI built from crates.io, and at the wasm-opt
# and esbuild that npm installs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${POLYHOOK_TOOLS:-$HOME/.cache/polyhook-rs/tools}"
WORKER_BUILD_VERSION="0.8.7"
MIN_NODE="20.19.0"

say() { printf '[setup] %s\n' "$*" >&2; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_rust_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# ensure_cargo_tool CRATE VERSION BINARY [cargo install flags...]
ensure_cargo_tool() {
  local crate="$1" version="$2" binary="$3"; shift 3
  local root="$TOOLS/$crate-$version"
  if [ ! -x "$root/bin/$binary" ]; then
    say "building $crate $version (first run only; several minutes)"
    cargo install "$crate" --version "$version" --root "$root" "$@"
  fi
}

ensure_node() {
  command -v node >/dev/null || { say "node is required (>= $MIN_NODE)"; exit 1; }
  local have; have="$(node -p 'process.versions.node')"
  if [ "$(printf '%s\n%s\n' "$MIN_NODE" "$have" | sort -V | head -n1)" != "$MIN_NODE" ]; then
    say "node $have is too old; need >= $MIN_NODE"; exit 1
  fi
}

ensure_npm_packages() {
  local stamp="$ROOT/node_modules/.polyhook-lock.sha256"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing npm packages"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

# ensure_debian_tool BINARY PACKAGE...: installs the packages when BINARY is
# missing. Only the test command needs these (promtool, chromium).
ensure_debian_tool() {
  local binary="$1"; shift
  command -v "$binary" >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: $* (for $binary)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# ensure_schemathesis: the pinned schemathesis in its own virtualenv under
# the tools cache. Only the test command needs it.
SCHEMATHESIS_VERSION="4.32.5"
ensure_schemathesis() {
  local venv="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
  if [ ! -x "$venv/bin/st" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION (first run only)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  export SCHEMATHESIS_BIN="$venv/bin/st"
}

ensure_rust_target
ensure_cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build --locked
WBG_VERSION="$(wasm_bindgen_version)"
# --locked fails on this registry (a locked dependency is missing); plain install works.
ensure_cargo_tool wasm-bindgen-cli "$WBG_VERSION" wasm-bindgen
ensure_node
ensure_npm_packages

export WASM_BINDGEN_BIN="$TOOLS/wasm-bindgen-cli-$WBG_VERSION/bin/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export PATH="$TOOLS/worker-build-$WORKER_BUILD_VERSION/bin:$ROOT/node_modules/.bin:$PATH"
export WRANGLER_SEND_METRICS=false

# build_worker: builds build/index.js and build/index_bg.wasm in the current
# directory. worker-build keeps the wasm names section (it runs wasm-opt
# with --debuginfo); the module the runtime loads drops it, a sixth of its
# bytes. build/names/index_bg.wasm keeps the named copy for CPU profiles
# (bench/profile.mjs): the same code but for the last size pass below, so
# its function indices do not match the loaded module's.
build_worker() {
  # The page's scripts and styles are embedded minified (a third of the page's gzipped bytes).
  node "$ROOT/scripts/minify-public.mjs" "$ROOT/target/public-min"
  POLYHOOK_PUBLIC_DIR="$ROOT/target/public-min" worker-build --release
  mkdir -p build/names
  cp build/index_bg.wasm build/names/index_bg.wasm
  # The features worker-build enables, so the rewrite accepts what it emitted.
  # -Os once more, on the stripped module: about 3 KB gzipped off (on the
  # named one, under 1 KB); no CPU change in three paired runs (bench/RESULTS.md).
  "$WASM_OPT_BIN" build/names/index_bg.wasm --strip-debug -Os -o build/index_bg.wasm \
    --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
    --enable-multivalue --enable-reference-types --enable-exception-handling
}

#!/usr/bin/env bash
# Runs the service locally on workerd via `wrangler dev`, with Durable Object
# storage persisted under .wrangler/state. It builds once, then again only
# when a source changes (scripts/dev.mjs says why wrangler's own watcher is
# not used). Port: PORT=9000 npm run dev, or
# npm run dev -- --port 9000. Other wrangler dev flags pass through.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
args=("$@")
case " $* " in
  *" --port "*|*" --port="*) ;;
  *) args+=(--port "${PORT:-8787}") ;;
esac
exec node "$ROOT/scripts/dev.mjs" --persist-to "$ROOT/.wrangler/state" "${args[@]}"

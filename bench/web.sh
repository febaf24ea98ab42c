#!/usr/bin/env bash
# The web client's first-load benchmark (bench/web_first_load.mjs); needs a built server and
# web/dist (`make build`). See docs/benchmarks.md, "Web client".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PARLEY_BIN=${PARLEY_BIN:-$ROOT/build/default/parley}
exec node "$ROOT/bench/web_first_load.mjs"

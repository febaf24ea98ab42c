#!/usr/bin/env bash
# Builds the web client into web/dist (with .gz copies that `parley serve` sends to browsers
# that accept gzip). Skips the build when dist is newer than every source file, so
# `make build` stays quick when only the C++ changed.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=dist/index.html
if [[ -f $stamp ]] &&
  [[ -z $(find src index.html vite.config.ts tsconfig.json package-lock.json scripts \
    -newer "$stamp" -print -quit) ]]; then
  exit 0
fi
npm run --silent build

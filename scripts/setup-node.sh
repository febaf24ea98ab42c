#!/usr/bin/env bash
# Installs the npm packages the Node tests use (Slack's own SDK among them) and those the web
# client builds and tests with (web/), once. `npm ci` follows each committed lock file; nothing
# runs when node_modules is current.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$root/tests" "$root/web"; do
  cd "$dir"
  if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
    npm ci --no-audit --no-fund --loglevel=error > /dev/null
    touch node_modules
  fi
done

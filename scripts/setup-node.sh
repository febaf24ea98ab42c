#!/usr/bin/env bash
# Installs the npm packages the Node tests use (Slack's own SDK among them), once.
# `npm ci` follows the committed lock file; nothing runs when node_modules is current.
set -euo pipefail
cd "$(dirname "$0")/../tests"
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error > /dev/null
  touch node_modules
fi

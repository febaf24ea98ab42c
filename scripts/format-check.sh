#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (the root .clang-format) would write.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp'; git ls-files --others --exclude-standard '*.cpp' '*.hpp')
[[ ${#files[@]} -eq 0 ]] && exit 0
if ! clang-format --dry-run --Werror "${files[@]}" 2> /tmp/parley-format.log; then
  echo "format-check: these files need 'make format':"
  grep -oE '^[^:]+\.(cpp|hpp)' /tmp/parley-format.log | sort -u
  exit 1
fi

# The Node tests are formatted by prettier (tests/.prettierrc.json, 100 columns).
if [[ -x tests/node_modules/.bin/prettier ]]; then
  if ! (cd tests && node_modules/.bin/prettier --check --log-level warn "**/*.mjs"); then
    echo "format-check: run 'cd tests && npx prettier --write \"**/*.mjs\"'"
    exit 1
  fi
fi

# The web client (TypeScript, CSS, its tests) is formatted by prettier too (web/.prettierrc.json).
if [[ -x web/node_modules/.bin/prettier ]]; then
  if ! (cd web && node_modules/.bin/prettier --check --log-level warn .); then
    echo "format-check: run 'make format' (or 'cd web && npm run format')"
    exit 1
  fi
fi

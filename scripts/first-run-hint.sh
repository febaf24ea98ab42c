#!/usr/bin/env bash
# Printed by `make run` before the server starts: what to do next on a fresh data directory.
listen="$1"
data="$2"
cat <<MSG

Parley is starting on http://${listen} with its data in ${data}.
To create the first workspace and its owner, run in another terminal:

  build/default/parley admin --data ${data} create-workspace \\
      --name "Acme" --email you@example.com --password 'a long passphrase'

It prints a token; try it with:

  curl -s -H "Authorization: Bearer <token>" http://${listen}/api/auth.test

MSG

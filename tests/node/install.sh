#!/bin/sh
# tests/node/install.sh: install the pinned npm packages of tests/node (npm ci
# from package-lock.json) when node_modules is missing or was installed from
# another lock file. Quiet when up to date; prefers npm's local cache.
set -eu
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/node/install.sh: npm not found (script/bootstrap installs it)" >&2
  exit 1
fi
stamp=node_modules/.metastore-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "tests/node: npm ci"
if ! npm ci --no-audit --no-fund --prefer-offline --loglevel=error </dev/null >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
echo "$want" >"$stamp"

#!/usr/bin/env bash
# bench/idempotency.sh: what an Idempotency-Key costs an Iceberg REST
# commit. One server on the embedded default; icebench's commit loop with
# and without --idempotency-key (a fresh key on every commit), in turns
# (without, with, without, with, ...) so drift on a shared machine hits
# both alike, with 1 thread and with 8 threads over 64 tables.
# Prints each result; the README table is filled in by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./metastore/metastore
ICE=./bench/icebench
N=${BENCH_COUNT:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d /tmp/metastore-idem-bench.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  local loc
  loc=$(cat "$tmp/data/pg-location" 2>/dev/null || true)
  case $loc in /var/lib/metastore/embedded/?*) rm -rf "$loc" ;; esac
  rm -rf "$tmp"
}
trap cleanup EXIT

"$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 \
  --data-dir "$tmp/data" >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 300); do grep -q 'metastore ready' "$tmp/out" 2>/dev/null && break; sleep 0.05; done
REST=$(sed -n 's/.* rest=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/out")
pgdir="$tmp/data/pg"
[ -f "$tmp/data/pg-location" ] && pgdir=$(cat "$tmp/data/pg-location")
PG="host=$pgdir port=5432 user=metastore dbname=metastore"
echo "rest $REST"

for round in $(seq "$ROUNDS"); do
  for key in "" --idempotency-key; do
    echo "== round $round, ${key:-no key}"
    $ICE --rest-port "$REST" --pg "$PG" --threads 1 --count "$N" $key floorCommit commit
    $ICE --rest-port "$REST" --pg "$PG" --threads 8 --tables 64 --per-table 100 \
      --seconds 5 $key commit
  done
done
echo "done"

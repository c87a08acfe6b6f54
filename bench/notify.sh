#!/usr/bin/env bash
# bench/notify.sh: what the notification log costs. One embedded PostgreSQL,
# two servers on it: one with the log on (the default), one with
# notifications.enabled=false; the same operations against each, in turns
# (on, off, on, off) so drift on a shared machine hits both alike:
#   - create_table (hmsbench createTable, 1 thread)
#   - add_partitions of 1,000 partitions (hmsbench addPartitions.1000)
#   - Iceberg REST commits (icebench commit, 1 thread and 8 threads)
# Prints each result; the README table is filled in by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./metastore/metastore
BENCH=./bench/hmsbench
ICE=./bench/icebench
N=${BENCH_COUNT:-2000}
ROUNDS=${BENCH_ROUNDS:-2}
tmp=$(mktemp -d /tmp/metastore-notify-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  local loc
  loc=$(cat "$tmp/a/pg-location" 2>/dev/null || true)
  case $loc in /var/lib/metastore/embedded/?*) rm -rf "$loc" ;; esac
  rm -rf "$tmp"
}
trap cleanup EXIT

start_server() { # name args...
  local name=$1; shift
  "$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 \
    --data-dir "$tmp/$name" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=("$!")
  for _ in $(seq 300); do grep -q 'metastore ready' "$tmp/$name.out" 2>/dev/null && break; sleep 0.05; done
}
port() { sed -n 's/.*thrift=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/$1.out"; }
rest() { sed -n 's/.* rest=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/$1.out"; }

start_server a
pgdir="$tmp/a/pg"
[ -f "$tmp/a/pg-location" ] && pgdir=$(cat "$tmp/a/pg-location")
PG="host=$pgdir port=5432 user=metastore dbname=metastore"
start_server b --database-url "$PG" --set notifications.enabled=false --set rest.auth=none \
  --set warehouse.root="file://$tmp/a/warehouse"
echo "log on: thrift $(port a) rest $(rest a); log off: thrift $(port b) rest $(rest b)"

for round in $(seq "$ROUNDS"); do
  for which in a b; do
    label=$([ "$which" = a ] && echo "log on" || echo "log off")
    echo "== round $round, $label"
    $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count "$N" createTable dropTable
    $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count $((N / 100)) --no-1m \
      addPartitions.1000 dropPartitions.1000
    $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 1 --count "$N" commit
    $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 8 --tables 64 --per-table 100 \
      --seconds 5 commit
  done
done
echo "done"

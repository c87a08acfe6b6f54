#!/usr/bin/env bash
# bench/notify.sh: what the notification log costs. One embedded PostgreSQL,
# two servers on it: one with the log on (the default), one with
# notifications.enabled=false; the same operations against each, in turns
# (on, off, off, on, on, off, ...) so drift on a shared machine hits both
# alike:
#   - create_table and drop_table (hmsbench createTable dropTable, 1 thread)
#   - add_partitions of 1,000 partitions (hmsbench addPartitions.1000)
#   - Iceberg REST commits (icebench commit, 1 thread and 8 threads)
# Prints each result, then a summary per operation: the median over the
# rounds of each side's medians (for 8 threads: commits/s, so a cost below
# zero is throughput lost) and the cost, the median of the rounds' on/off
# ratios (each round's pair ran back to back, so the ratio moves less than
# either figure). Many short rounds (BENCH_ROUNDS, default 6, of
# BENCH_COUNT calls, default 500) resist a shared machine's drift better
# than a few long ones.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./metastore/metastore
BENCH=./bench/hmsbench
ICE=./bench/icebench
N=${BENCH_COUNT:-500}
ROUNDS=${BENCH_ROUNDS:-6}
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
  # odd rounds on first, even rounds off first: neither side always
  # inherits the other's dirty pages and checkpoints
  order="a b"
  [ $((round % 2)) -eq 0 ] && order="b a"
  for which in $order; do
    label=$([ "$which" = a ] && echo "log on" || echo "log off")
    echo "== round $round, $label"
    $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count "$N" createTable dropTable
    $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count $(( (N + 99) / 100 )) --no-1m \
      addPartitions.1000 dropPartitions.1000
    $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 1 --count "$N" commit
    $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 8 --tables 64 --per-table 100 \
      --seconds 5 commit
  done
done | tee "$tmp/results"
echo "== summary: median over $ROUNDS rounds; cost = median of the rounds' on/off ratios"
awk '
  /^== round/ { side = ($NF == "on") ? "on" : "off"; round = $3 + 0; next }
  /median=/ && !/floor/ {
    key = $1 " " $2
    for (i = 1; i <= NF; i++) {
      if ($i == "median=") med = $(i + 1) + 0
      if ($i ~ /^median=/ && length($i) > 7) med = substr($i, 8) + 0
      if ($i == "ops/s=") ops = $(i + 1) + 0
    }
    v = ($2 == "threads=8") ? ops : med
    val[key, side, round] = v
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
  }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k = 1; k <= nk; k++) {
      key = keys[k]; n = 0
      for (r = 1; r <= 1000; r++)
        if ((key, "on", r) in val && (key, "off", r) in val) {
          n++; on[n] = val[key, "on", r]; off[n] = val[key, "off", r]; ratio[n] = on[n] / off[n]
        }
      if (n == 0) continue
      unit = (key ~ /threads=8/) ? "commits/s" : "us median"
      printf "%-40s on %10.1f  off %10.1f %-10s cost %+5.1f %%  (%d rounds)\n", key,
        median(on, n), median(off, n), unit, (median(ratio, n) - 1) * 100, n
    }
  }' "$tmp/results"
echo "done"

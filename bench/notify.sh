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
# Around each step it also reads the CPU time the server (all its threads)
# and the embedded PostgreSQL (the postmaster and its children, those that
# ended during the step included) ran, and prints it per call; the summary's second
# part is the cost in CPU per call, server and PostgreSQL together: what
# throughput loses when both cores are busy, and a figure that other
# programs on the machine move far less than time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./metastore/metastore
BENCH=./bench/hmsbench
ICE=./bench/icebench
N=${BENCH_COUNT:-500}
ROUNDS=${BENCH_ROUNDS:-6}
# add_partitions of 1,000 (and its drop) per round: BENCH_PART_COUNT calls
# (default 12; the earlier N/100, 4 to 5 calls, left a round's median to
# one or two calls, and two runs of the same code gave +9 % and +20 %)
P=${BENCH_PART_COUNT:-12}
. bench/lib.sh
bench_init metastore-notify-bench
port() { bench_port "$1"; }
rest() { bench_rest "$1"; }

bench_start a
PG=$(bench_pg a)
bench_start b --database-url "$PG" --set notifications.enabled=false --set rest.auth=none \
  --set warehouse.root="file://$tmp/a/warehouse"
echo "log on: thrift $(port a) rest $(rest a); log off: thrift $(port b) rest $(rest b)"
# the postmaster: the checkpointer's parent
checkpointer=$(psql "$PG" -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
postmaster=$(awk '{print $4}' "/proc/$checkpointer/stat")

# "<server ns> <postgres ns>": CPU time run so far by server $1 (its
# getrusage total on /metrics: every thread, ended ones included) and by
# the embedded PostgreSQL: its running processes (/proc/<pid>/schedstat)
# plus what its children that have exited ran (the postmaster's cutime
# and cstime, in clock ticks: autovacuum workers, ended backends). A
# child that exits between two readings moves from the first sum to the
# second, so a difference of two readings counts it once.
hz=$(getconf CLK_TCK)
cpu_ns() {
  local s p=0 f v _ st
  s=$(curl -sf "http://127.0.0.1:$(rest "$1")/metrics" |
        awk '$1 == "metastore_process_cpu_seconds_total" { printf "%.0f", $2 * 1e9 }')
  for f in "$postmaster" $(pgrep -P "$postmaster"); do
    read -r v _ </proc/"$f"/schedstat 2>/dev/null && p=$((p + v))
  done
  # fields 16 and 17 of /proc/<pid>/stat (after the command in parentheses)
  st=$(sed 's/.*) //' "/proc/$postmaster/stat")
  set -- $st
  p=$((p + (${14} + ${15}) * 1000000000 / hz))
  echo "${s:-0} $p"
}

# run "$@" (a bench step) and print its output, then its CPU per call:
# calls from the step's last 'calls=' (or $2 when given)
step() { # name calls|- cmd...
  local name=$1 calls=$2 s0 p0 s1 p1 out; shift 2
  read -r s0 p0 < <(cpu_ns "$which")
  out=$("$@")
  read -r s1 p1 < <(cpu_ns "$which")
  echo "$out"
  [ "$calls" = - ] && calls=$(echo "$out" | sed -n 's/.*calls=\([0-9]*\).*/\1/p' | tail -1)
  [ "${calls:-0}" -gt 0 ] || return 0
  echo "cpu $name calls=$calls server_us=$(( (s1 - s0) / calls / 1000 )) pg_us=$(( (p1 - p0) / calls / 1000 ))"
}

# a warm-up of each side, not counted: the benches' own set-up (the
# database of 1,000 tables, the partitioned tables) runs here, once
for which in a b; do
  $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count 20 createTable dropTable >/dev/null
  $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count 1 --no-1m \
    addPartitions.1000 dropPartitions.1000 >/dev/null
  $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 1 --count 20 commit >/dev/null
done

for round in $(seq "$ROUNDS"); do
  # odd rounds on first, even rounds off first: neither side always
  # inherits the other's dirty pages and checkpoints
  order="a b"
  [ $((round % 2)) -eq 0 ] && order="b a"
  for which in $order; do
    label=$([ "$which" = a ] && echo "log on" || echo "log off")
    echo "== round $round, $label"
    step create+dropTable "$N" \
      $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count "$N" createTable dropTable
    # each add is undone, each drop prepared, outside the timed region but
    # inside the CPU reading: per call here is one add and one drop of 1,000
    step add+dropPartitions.1000 $(( 2 * P )) \
      $BENCH --port "$(port $which)" --pg "$PG" --threads 1 --count "$P" --no-1m \
      addPartitions.1000 dropPartitions.1000
    step commit.1thread - $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 1 --count "$N" commit
    step commit.8threads - $ICE --rest-port "$(rest $which)" --pg "$PG" --threads 8 --tables 64 \
      --per-table 100 --seconds 5 commit
  done
done | tee "$tmp/results"
echo "== summary: median over $ROUNDS rounds; cost = median of the on/off ratios of the rounds"
awk '
  /^== round/ { side = ($NF == "on") ? "on" : "off"; round = $3 + 0; next }
  /^cpu / {
    key = "cpu " $2
    for (i = 3; i <= NF; i++) {
      if ($i ~ /^server_us=/) sv = substr($i, 11) + 0
      if ($i ~ /^pg_us=/) pv = substr($i, 7) + 0
    }
    cval[key, side, round] = sv + pv; csrv[key, side, round] = sv; cpg[key, side, round] = pv
    if (!(key in cseen)) { cseen[key] = 1; ckeys[++nc] = key }
    next
  }
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
    print "== CPU per call, server + PostgreSQL (server / PostgreSQL), log on and off; cost = median of the on/off ratios of the rounds"
    for (k = 1; k <= nc; k++) {
      key = ckeys[k]; n = 0
      for (r = 1; r <= 1000; r++)
        if ((key, "on", r) in cval && (key, "off", r) in cval && cval[key, "off", r] > 0) {
          n++; on[n] = cval[key, "on", r]; off[n] = cval[key, "off", r]; ratio[n] = on[n] / off[n]
          son[n] = csrv[key, "on", r]; soff[n] = csrv[key, "off", r]
          pon[n] = cpg[key, "on", r]; poff[n] = cpg[key, "off", r]
        }
      if (n == 0) continue
      printf "%-32s on %8.0f us (%.0f / %.0f)  off %8.0f us (%.0f / %.0f)  cost %+5.1f %%  (%d rounds)\n",
        key, median(on, n), median(son, n), median(pon, n), median(off, n), median(soff, n),
        median(poff, n), (median(ratio, n) - 1) * 100, n
    }
  }' "$tmp/results"
echo "done"

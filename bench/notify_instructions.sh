#!/usr/bin/env bash
# bench/notify_instructions.sh: what the notification log costs the server,
# in instructions (valgrind's callgrind), which unlike time and CPU seconds
# do not move with the rest of the machine's load.
#
# One embedded PostgreSQL; for each side (log on, log off) a server runs
# under callgrind with collection only inside request handling
# (ms_hms_dispatch for Thrift, ms_iceberg_handle for REST), takes a
# warm-up, then the measured calls; callgrind's totals divided by the calls
# give instructions per call. PostgreSQL's side is not counted here (see
# bench/notify.sh for CPU seconds of both).
#
#   bench/notify_instructions.sh        (BENCH_COUNT calls, default 300;
#                                        BENCH_KEEP=DIR keeps callgrind's files)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
N=${BENCH_COUNT:-300}
BIN=./metastore/metastore
BENCH=./bench/hmsbench
ICE=./bench/icebench
. bench/lib.sh
bench_init metastore-notify-instr

wait_ready() { # out-file
  for _ in $(seq 1200); do grep -q 'metastore ready' "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $1" >&2; exit 1
}
port() { sed -n 's/.*thrift=127.0.0.1:\([0-9]*\).*/\1/p' "$1"; }
rest() { sed -n 's/.* rest=127.0.0.1:\([0-9]*\).*/\1/p' "$1"; }

# the PostgreSQL owner: a plain server that also runs every bench's set-up
"$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 \
  --data-dir "$tmp/pg" >"$tmp/pg.out" 2>&1 &
pids+=("$!")
wait_ready "$tmp/pg.out"
PG=$(bench_pg pg)
$BENCH --port "$(port "$tmp/pg.out")" --pg "$PG" --threads 1 --count 5 createTable dropTable >/dev/null
$BENCH --port "$(port "$tmp/pg.out")" --pg "$PG" --threads 1 --count 1 --no-1m \
  addPartitions.1000 dropPartitions.1000 >/dev/null

# side (on|off) op: instructions per call of op on that side
measure() {
  local side=$1 op=$2 extra=() toggle=ms_hms_dispatch out="$tmp/$1.$2"
  [ "$side" = off ] && extra=(--set notifications.enabled=false)
  [ "$op" = commit ] && toggle=ms_iceberg_handle
  valgrind --tool=callgrind --callgrind-out-file="$out.cg" --collect-atstart=no \
    --toggle-collect="$toggle" \
    "$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 \
    --data-dir "$tmp/$side.$op" --database-url "$PG" "${extra[@]}" --set rest.auth=none \
    --set warehouse.root="file://$tmp/pg/warehouse" >"$out.out" 2>"$out.err" &
  local vpid=$! calls
  wait_ready "$out.out"
  case $op in
    create+dropTable)
      $BENCH --port "$(port "$out.out")" --pg "$PG" --threads 1 --count 20 createTable dropTable >/dev/null
      calls=$N ;;
    add+dropPartitions.1000)
      $BENCH --port "$(port "$out.out")" --pg "$PG" --threads 1 --count 1 --no-1m \
        addPartitions.1000 dropPartitions.1000 >/dev/null
      calls=$(( (N + 99) / 100 )) ;;
    commit)
      $ICE --rest-port "$(rest "$out.out")" --pg "$PG" --threads 1 --count 20 commit >/dev/null
      calls=$N ;;
  esac
  # the warm-up's instructions, then the measured run's
  callgrind_control -d "$vpid" >/dev/null 2>&1 || true
  sleep 1
  local before
  before=$(total "$out.cg")
  case $op in
    create+dropTable)
      $BENCH --port "$(port "$out.out")" --pg "$PG" --threads 1 --count "$calls" createTable dropTable >/dev/null ;;
    add+dropPartitions.1000)
      $BENCH --port "$(port "$out.out")" --pg "$PG" --threads 1 --count "$calls" --no-1m \
        addPartitions.1000 dropPartitions.1000 >/dev/null ;;
    commit)
      $ICE --rest-port "$(rest "$out.out")" --pg "$PG" --threads 1 --count "$calls" commit >/dev/null ;;
  esac
  kill -TERM "$vpid"; wait "$vpid" 2>/dev/null || true
  [ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp "$out".cg* "$BENCH_KEEP"/
  echo $(( ( $(total "$out.cg") - before ) / calls ))
}
# the summed totals of a callgrind output and its dumps so far
total() {
  local sum=0 f v
  for f in "$1" "$1".*; do
    [ -f "$f" ] || continue
    v=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" | head -1)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

printf '%-26s %16s %16s %8s\n' "operation (per call)" "log on" "log off" "cost"
for op in create+dropTable add+dropPartitions.1000 commit; do
  on=$(measure on "$op")
  off=$(measure off "$op")
  cost=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')
  printf '%-26s %16s %16s %8s\n' "$op" "$on" "$off" "$cost"
done

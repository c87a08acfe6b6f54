#!/usr/bin/env bash
# bench/run.sh: the foundation benchmarks, one run, on this machine.
# Starts metastore on the embedded default in a temp dir, then:
#   - hmsbench floor/getDatabase/listDatabases/createDropDatabase (1 thread)
#   - tables: floorTable/getTable/createTable/dropTable/renameTable/
#     listTables.1000/getTableObjectsByName.100/lockUnlock (1 thread)
#   - getDatabase over 64 connections (throughput)
#   - the Iceberg REST door (bench/icebench, file:// warehouse): floors
#     (SELECT 1, the load's SELECT, one durable UPDATE per table or all on
#     one row, one fsync'ed file),
#     GET /v1/config, loadTable (1 and 100 snapshots), createTable, commit
#     (1 thread; then 8 and 16 threads over 64 tables), and 8 threads
#     contending on one table (409s retried, no other failure, no lost
#     update)
#   - idle RSS, RSS with 256 open connections
#   - partitions, each with its floor: addPartitions.1000/dropPartitions.1000/
#     getPartitions.1000/getPartitionNames.1000/getPartitionsByNames.1000/
#     getPartitionsByFilter.1000 (1,000 of the 1,000,000 of hmsbench.parts1m,
#     whose setup takes minutes; `bench/run.sh --no-1m` skips it) (1 thread),
#     with the server's RSS around each
#   - streaming: get_partitions of 100,000 partitions in one reply; hmsbench
#     --server-pid prints the server's RSS and peak RSS (VmHWM) before, resets
#     the peak, and prints the peak during the calls
#   - readiness of a second `serve` against the already running PostgreSQL
# Prints a summary; numbers go into the README by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./metastore/metastore
BENCH=./bench/hmsbench
ICE=./bench/icebench
N=${BENCH_COUNT:-20000}
NO1M=
for arg in "$@"; do
  case $arg in
    --no-1m) NO1M=--no-1m ;;
    *) echo "usage: $0 [--no-1m]" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp -d /tmp/metastore-bench.XXXXXX)
# servers are started inside $(...), so they are not jobs of this shell:
# stop every serve whose data dir is under $tmp (each stops its PostgreSQL)
cleanup() {
  pkill -TERM -f "metastore serve .*--data-dir $tmp/" 2>/dev/null || true
  for _ in $(seq 100); do pgrep -f "metastore serve .*--data-dir $tmp/" >/dev/null || break; sleep 0.1; done
  # as root the embedded cluster may live outside $tmp; with the partition
  # tables it holds gigabytes
  local loc
  loc=$(cat "$tmp/data/pg-location" 2>/dev/null || true)
  case $loc in /var/lib/metastore/embedded/?*) rm -rf "$loc" ;; esac
  rm -rf "$tmp"
}
trap cleanup EXIT

start_server() { # out-file args...
  local out=$1; shift
  "$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 "$@" >"$out" 2>"$out.err" &
  for _ in $(seq 200); do grep -q 'metastore ready' "$out" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/.*thrift=127.0.0.1:\([0-9]*\).*/\1/p' "$out"
}

PORT=$(start_server "$tmp/a.out" --data-dir "$tmp/data")
SPID=$(pgrep -n -f "metastore serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 --data-dir $tmp/data")
pgdir="$tmp/data/pg"
[ -f "$tmp/data/pg-location" ] && pgdir=$(cat "$tmp/data/pg-location")
PG="host=$pgdir port=5432 user=metastore dbname=metastore"
REST=$(sed -n 's/.* rest=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/a.out")
echo "server pid $SPID port $PORT rest port $REST"
rss() { awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$1/status; }
sleep 1
echo "idle RSS: $(rss "$SPID")"

echo "== 1 thread, $N calls each"
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count "$N" floor getDatabase listDatabases
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count $((N / 10)) createDropDatabase
echo "== tables (issue 3), 1 thread"
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count "$N" floorTable getTable
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count $((N / 10)) floorTable createTable dropTable renameTable
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count $((N / 10)) floorTable listTables.1000 getTableObjectsByName.100 lockUnlock
echo "== 64 connections, 8 client threads, 5 s"
$BENCH --port "$PORT" --pg "$PG" --threads 8 --connections 64 --seconds 5 floor getDatabase

echo "== Iceberg REST (issue 5), file:// warehouse, 1 thread"
$ICE --rest-port "$REST" --pg "$PG" --threads 1 --count $((N / 10)) \
  floorSelect1 config floorLoadTable loadTable floorLoadTable.100 loadTable.100
$ICE --rest-port "$REST" --pg "$PG" --threads 1 --count $((N / 40)) \
  floorSelect1 floorCommit floorFile createTable commit commit.100
echo "== Iceberg commits over 64 tables (no conflicts), 5 s each"
# (--per-table 100: no table is replaced within 5 s, they grow from empty)
$ICE --rest-port "$REST" --pg "$PG" --threads 8 --tables 64 --per-table 100 --seconds 5 \
  floorCommit floorFile commit
$ICE --rest-port "$REST" --pg "$PG" --threads 16 --tables 64 --per-table 100 --seconds 5 \
  floorCommit floorFile commit
echo "== Iceberg commit contention: 8 threads on one table, 200 commits"
$ICE --rest-port "$REST" --pg "$PG" --threads 8 --count 200 floorCommitHot contention

echo "== RSS with 256 open connections"
/usr/bin/python3 - "$PORT" "$SPID" <<'PY'
import socket, sys, time, struct
port, pid = int(sys.argv[1]), sys.argv[2]
def call(s):
    name = b'get_all_databases'
    s.sendall(struct.pack('>i', -2147418111) + struct.pack('>i', len(name)) + name + struct.pack('>i', 1) + b'\x00')
    s.recv(65536)
socks = []
for i in range(256):
    s = socket.create_connection(('127.0.0.1', port)); call(s); socks.append(s)
time.sleep(1)
rss = [l for l in open(f'/proc/{pid}/status') if l.startswith('VmRSS')][0].split()[1]
print(f"RSS with {len(socks)} connections: {int(rss)/1024:.1f} MB")
PY

echo "== partitions (issue 4), 1 thread"
$BENCH --port "$PORT" --pg "$PG" --server-pid "$SPID" --threads 1 --count $((N / 200)) \
  floorAddPartitions.1000 addPartitions.1000 floorDropPartitions.1000 dropPartitions.1000
$BENCH --port "$PORT" --pg "$PG" --server-pid "$SPID" --threads 1 --count $((N / 100)) \
  floorGetPartitions.1000 getPartitions.1000 floorGetPartitionNames.1000 getPartitionNames.1000 \
  floorGetPartitionsByNames.1000 getPartitionsByNames.1000
if [ -z "$NO1M" ]; then
  t0=$(date +%s)
  $BENCH --port "$PORT" --pg "$PG" --server-pid "$SPID" --threads 1 --count $((N / 100)) \
    floorGetPartitionsByFilter.1000 getPartitionsByFilter.1000
  echo "(with setup of hmsbench.parts1m: $(( $(date +%s) - t0 )) s)"
fi
echo "== streaming: get_partitions of 100,000 partitions in one reply, 1 thread"
$BENCH --port "$PORT" --pg "$PG" --threads 1 --count 10 --server-pid "$SPID" \
  floorGetPartitions.100000 getPartitions.100000

echo "== readiness against an already running PostgreSQL (5 starts)"
for i in 1 2 3 4 5; do
  start_server "$tmp/b$i.out" --database-url "$PG" --data-dir "$tmp/b$i" >/dev/null
  grep -o 'ready_ms=[0-9.]*' "$tmp/b$i.out" || true
  pkill -TERM -f "data-dir $tmp/b$i" || true
  sleep 0.3
done

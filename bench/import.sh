#!/usr/bin/env bash
# bench/import.sh: `metastore import` speed and memory on a synthetic Java
# metastore database.
#
# Starts a throw-away PostgreSQL (Unix socket only), creates the Java
# metastore's schema with Hive's own schematool script (from the engines
# cache: script/test-engines --prepare fetches the Hive 4.0.1 tarball, which
# java_hms.py unpacks), fills it with bench/import_source.sql (TABLES
# tables, PARTS partitions), imports it into a second database and prints
# partitions/s, the importer's peak RSS, the CPU time PostgreSQL spent
# (source and catalog together: the postmaster's reaped children, so a
# loaded machine does not inflate it) and the machine's load average.
#
# Usage: bench/import.sh [PARTS [TABLES]]   (default 1000000 and 100)
# Environment: METASTORE_BIN (default metastore/metastore), HIVE_SCHEMA (the
# hive-schema-4.0.0.postgres.sql to use), BATCH (partitions per write).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
parts=${1:-1000000}
tables=${2:-100}
bin=${METASTORE_BIN:-$top/metastore/metastore}
cache=${METASTORE_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metastore/engines}
schema=${HIVE_SCHEMA:-$cache/java-hms-4.0.1/scripts/metastore/upgrade/postgres/hive-schema-4.0.0.postgres.sql}
[ -f "$schema" ] || { echo "bench/import.sh: no Hive schema script at $schema (run the engines suite once, or set HIVE_SCHEMA)" >&2; exit 2; }
pgbin=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/ms-bench-import-XXXXXX)
chmod 755 "$dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_pg=(runuser -u postgres --); fi
port=$((20000 + RANDOM % 20000))
cleanup() { "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -o \
  "-c listen_addresses= -c unix_socket_directories=$dir -p $port -c fsync=off -c shared_buffers=256MB" \
  start >/dev/null
psql=("$pgbin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE hive" -c "CREATE DATABASE ours"
"${psql[@]}" -d hive -f "$schema" >/dev/null 2>"$dir/schema.err"
t0=$(date +%s.%N)
"${psql[@]}" -d hive -v tables="$tables" -v parts="$parts" -f bench/import_source.sql
t1=$(date +%s.%N)
echo "source: $parts partitions in $tables tables, made in $(echo "$t1 - $t0" | bc) s"
src="host=$dir port=$port user=postgres dbname=hive"
dst="host=$dir port=$port user=postgres dbname=ours"
"$bin" schema init -d "$dst" -w "file://$dir/wh" >/dev/null
pm=$(head -1 "$dir/data/postmaster.pid")
pg_cpu() { awk '{ print $16 + $17 }' "/proc/$pm/stat"; }
c0=$(pg_cpu)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$dir/rss" "$bin" import --from "$src" -d "$dst" -w "file://$dir/wh" \
  --batch "${BATCH:-5000}" > "$dir/out" 2>/dev/null || { cat "$dir/out"; exit 1; }
t1=$(date +%s.%N)
sleep 0.5   # the backends exit and are reaped
c1=$(pg_cpu)
grep "^verify\|^copied" "$dir/out"
secs=$(echo "$t1 - $t0" | bc)
hz=$(getconf CLK_TCK)
echo "import: $parts partitions in $secs s end to end: $(echo "$parts / $secs" | bc) partitions/s; peak RSS $(( $(cut -d' ' -f1 "$dir/rss") / 1024 )) MiB"
echo "import: importer CPU $(awk '{ print $2 + $3 }' "$dir/rss") s; PostgreSQL CPU $(echo "scale=1; ($c1 - $c0) / $hz" | bc) s ($(echo "($c1 - $c0) * 1000000 / $hz / $parts" | bc) us per partition); load average before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# bench/import_mysql.sh: `metastore import` speed and memory from a
# synthetic Java metastore database on MariaDB.
#
# Starts a throw-away MariaDB (Debian's mariadbd, 127.0.0.1 on a free port,
# as the 'mysql' user when run as root) and a throw-away PostgreSQL for the
# catalog (Unix socket only), creates the Java metastore's schema with
# Hive's own schematool script for MySQL (from the engines cache, as
# bench/import.sh), fills it with tests/engines/mysql_import_source.sql
# (TABLES tables, PARTS partitions), imports it and prints partitions/s,
# the importer's peak RSS, its CPU, MariaDB's CPU (the server process) and
# the machine's load average.
#
# Usage: bench/import_mysql.sh [PARTS [TABLES]]   (default 100000 and 100)
# Environment: METASTORE_BIN (default metastore/metastore), HIVE_SCHEMA (the
# hive-schema-4.0.0.mysql.sql to use), BATCH (partitions per write).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
parts=${1:-100000}
tables=${2:-100}
bin=${METASTORE_BIN:-$top/metastore/metastore}
cache=${METASTORE_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metastore/engines}
schema=${HIVE_SCHEMA:-$cache/java-hms-4.0.1/scripts/metastore/upgrade/mysql/hive-schema-4.0.0.mysql.sql}
[ -f "$schema" ] || { echo "bench/import_mysql.sh: no Hive schema script at $schema (run the engines suite once, or set HIVE_SCHEMA)" >&2; exit 2; }
pgbin=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/ms-bench-import-mysql-XXXXXX)
chmod 755 "$dir"
as_pg=() as_my=()
mkdir "$dir/my"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  chown mysql "$dir/my"
  as_pg=(runuser -u postgres --) as_my=(--user=mysql)
fi
pgport=$((20000 + RANDOM % 20000))
myport=$((20000 + RANDOM % 20000))
mypid=
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  if [ -n "$mypid" ]; then kill "$mypid" 2>/dev/null || true; wait "$mypid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -o \
  "-c listen_addresses= -c unix_socket_directories=$dir -p $pgport -c fsync=off -c shared_buffers=256MB" \
  start >/dev/null
mariadb-install-db --no-defaults "${as_my[@]}" --datadir="$dir/my/data" \
  --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve >/dev/null
mariadbd --no-defaults "${as_my[@]}" --datadir="$dir/my/data" --socket="$dir/my/sock" \
  --port="$myport" --bind-address=127.0.0.1 --pid-file="$dir/my/pid" --skip-name-resolve \
  --sql-mode=ANSI --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0 \
  --skip-log-bin >"$dir/my/log" 2>&1 &
mypid=$!
my=(mariadb --no-defaults --socket="$dir/my/sock" -uroot -N -B)
for _ in $(seq 1 200); do "${my[@]}" -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.3; done
"${my[@]}" -e "CREATE DATABASE hive; CREATE USER 'hive'@'%' IDENTIFIED BY 'hive'; GRANT SELECT ON hive.* TO 'hive'@'%'"
"${my[@]}" hive < "$schema" >/dev/null
t0=$(date +%s.%N)
sed -e "s/\$tables/$tables/g" -e "s/\$parts/$parts/g" -e "s/\$serdes/$((tables + parts))/g" \
  tests/engines/mysql_import_source.sql | "${my[@]}" hive
t1=$(date +%s.%N)
echo "source: $parts partitions in $tables tables on $("${my[@]}" -e 'SELECT VERSION()'), made in $(echo "$t1 - $t0" | bc) s"
psql=("$pgbin/psql" -h "$dir" -p "$pgport" -U postgres -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE ours"
src="mariadb://hive:hive@127.0.0.1:$myport/hive"
dst="host=$dir port=$pgport user=postgres dbname=ours"
"$bin" schema init -d "$dst" -w "file://$dir/wh" >/dev/null
my_cpu() { awk '{ print $14 + $15 }' "/proc/$mypid/stat"; }
c0=$(my_cpu)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$dir/rss" "$bin" import --from "$src" -d "$dst" -w "file://$dir/wh" \
  --batch "${BATCH:-5000}" > "$dir/out" 2>&1 || { cat "$dir/out"; exit 1; }
t1=$(date +%s.%N)
c1=$(my_cpu)
grep "^verify\|^copied" "$dir/out"
secs=$(echo "$t1 - $t0" | bc)
hz=$(getconf CLK_TCK)
echo "import: $parts partitions in $secs s end to end: $(echo "$parts / $secs" | bc) partitions/s; peak RSS $(( $(cut -d' ' -f1 "$dir/rss") / 1024 )) MiB"
echo "import: importer CPU $(awk '{ print $2 + $3 }' "$dir/rss") s; MariaDB CPU $(echo "scale=1; ($c1 - $c0) / $hz" | bc) s ($(echo "($c1 - $c0) * 1000000 / $hz / $parts" | bc) us per partition); load average before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)"

# bench/lib.sh: what the benchmark scripts share (sourced, never run): a
# temporary folder that is removed on exit together with the servers
# started in it and the embedded PostgreSQL they made, and starting a
# server there.
#   bench_init PREFIX           tmp=/tmp/PREFIX.XXXXXX; the EXIT trap
#   bench_track PID             a process to stop on exit
#   bench_start NAME ARGS...    "$BIN serve" on free loopback ports, data in
#                               $tmp/NAME, output in $tmp/NAME.out and
#                               .err; returns once it is ready
#   bench_port NAME, bench_rest NAME   its Thrift and REST ports
#   bench_pg NAME               the conninfo of the embedded PostgreSQL that
#                               server NAME started
pids=()

bench_cleanup() {
  local p f loc
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  for f in "$tmp"/*/pg-location; do
    loc=$(cat "$f" 2>/dev/null || true)
    case $loc in /var/lib/metastore/embedded/?*) rm -rf "$loc" ;; esac
  done
  rm -rf "$tmp"
}

bench_init() {
  tmp=$(mktemp -d "/tmp/$1.XXXXXX")
  trap bench_cleanup EXIT
}

bench_track() { pids+=("$1"); }

bench_start() { # name args...
  local name=$1; shift
  "$BIN" serve --bind 127.0.0.1 --port 0 --log-level warning --set rest.port=0 \
    --data-dir "$tmp/$name" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=("$!")
  for _ in $(seq 600); do grep -q 'metastore ready' "$tmp/$name.out" 2>/dev/null && return 0; sleep 0.05; done
  echo "server $name did not start: $tmp/$name.err" >&2
  exit 1
}

bench_port() { sed -n 's/.*thrift=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/$1.out"; }
bench_rest() { sed -n 's/.* rest=127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/$1.out"; }

bench_pg() {
  local dir="$tmp/$1/pg"
  [ -f "$tmp/$1/pg-location" ] && dir=$(cat "$tmp/$1/pg-location")
  echo "host=$dir port=5432 user=metastore dbname=metastore"
}

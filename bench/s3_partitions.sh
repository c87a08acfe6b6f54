#!/usr/bin/env bash
# bench/s3_partitions.sh: add_partitions and drop_partitions of 1,000
# partitions whose directories are on S3 (a MinIO server started here, on
# loopback), with the notification log on and off: one embedded
# PostgreSQL, two servers on it, in turns (on, off, off, on, ...). Each
# new partition added is a listing of its prefix (is anything there; with
# the log on the full listing, for its ADD_PARTITION message) and its
# directory marker PUT; each dropped one a listing and deletes. Both on
# up to 8 threads. Prints each round, then the median per side and
# operation.
#
#   bench/s3_partitions.sh      (BENCH_ROUNDS, default 4; BENCH_COUNT
#                                calls a round, default 2; MINIO_BIN, else
#                                the MinIO build script/test-engines
#                                caches; METASTORE_BIN to time another build;
#                                BENCH_TLS=1: MinIO serves https with a
#                                certificate of a CA made here, s3.ca_file)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${METASTORE_BIN:-./metastore/metastore}
BENCH=./bench/hmsbench
ROUNDS=${BENCH_ROUNDS:-4}
N=${BENCH_COUNT:-2}
MINIO=${MINIO_BIN:-$(ls ~/.cache/metastore/engines/bin/minio-* 2>/dev/null | head -1)}
[ -x "$MINIO" ] || { echo "no MinIO binary: set MINIO_BIN or run script/test-engines once" >&2; exit 1; }
. bench/lib.sh
bench_init metastore-s3-bench
KEY=benchroot
SEC=bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

MP=$(free_port)
scheme=http tls=() cacert=()
if [ "${BENCH_TLS:-0}" = 1 ]; then
  # a CA and MinIO's certificate for 127.0.0.1 (MinIO reads public.crt and
  # private.key from its certs directory)
  mkdir -p "$tmp/certs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -keyout "$tmp/certs/private.key" -out "$tmp/minio.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$tmp/minio.ext"
  openssl x509 -req -in "$tmp/minio.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
    -CAcreateserial -days 2 -extfile "$tmp/minio.ext" -out "$tmp/certs/public.crt" 2>/dev/null
  scheme=https tls=(--certs-dir "$tmp/certs") cacert=(--cacert "$tmp/ca.crt")
fi
MINIO_ROOT_USER=$KEY MINIO_ROOT_PASSWORD=$SEC MINIO_BROWSER=off MINIO_UPDATE=off \
  MINIO_REGION=us-east-1 HOME=$tmp "$MINIO" server --quiet --address 127.0.0.1:"$MP" \
  --console-address 127.0.0.1:"$(free_port)" ${tls[@]+"${tls[@]}"} "$tmp/d" >"$tmp/minio.log" 2>&1 &
bench_track "$!"
for _ in $(seq 150); do
  curl -sf ${cacert[@]+"${cacert[@]}"} "$scheme://127.0.0.1:$MP/minio/health/ready" >/dev/null && break
  sleep 0.2
done
curl -sSf ${cacert[@]+"${cacert[@]}"} -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "$KEY:$SEC" \
  -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  "$scheme://127.0.0.1:$MP/bench"
S3=(--set s3.endpoint="$scheme://127.0.0.1:$MP" --set s3.region=us-east-1 --set s3.path_style=true
    --set s3.access_key="$KEY" --set s3.secret_key="$SEC" --set warehouse.root=s3://bench/wh)
[ "$scheme" = https ] && S3+=(--set s3.ca_file="$tmp/ca.crt")

bench_start a "${S3[@]}"
PG=$(bench_pg a)
bench_start b --database-url "$PG" --set notifications.enabled=false "${S3[@]}"

run() { # which count
  $BENCH --port "$(bench_port "$1")" --pg "$PG" --threads 1 --count "$2" --no-1m \
    --part-root s3://bench/wh addPartitions.1000 dropPartitions.1000
}
for which in a b; do run "$which" 1 >/dev/null; done     # set-up and warm-up
for round in $(seq "$ROUNDS"); do
  order="a b"
  [ $((round % 2)) -eq 0 ] && order="b a"
  for which in $order; do
    label=$([ "$which" = a ] && echo "log on" || echo "log off")
    run "$which" "$N" | grep -E '^(add|drop)Partitions' | sed "s/^/$label  /"
  done
done | tee "$tmp/results"
echo "== median over $ROUNDS rounds of each round's median (ms)"
awk '{ side = $1 " " $2; op = $3; v = $0; sub(/.*median= */, "", v); sub(/us.*/, "", v);
       vals[op "|" side] = vals[op "|" side] " " v }
     END { for (k in vals) { n = split(vals[k], a, " "); asort(a);
             m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2;
             split(k, p, "|"); printf "%-20s %-8s %10.1f\n", p[1], p[2], m / 1000 } }' "$tmp/results" | sort

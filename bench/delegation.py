#!/usr/bin/env python3
"""bench/delegation.py: what access delegation costs on the REST door.

    bench/delegation.py [--minio BIN] [--count N]

Starts a PostgreSQL cluster (tests/e2e/servers.py), a MinIO (BIN, default:
the one script/test-engines built into ~/.cache/metastore/engines/bin) and
two metastores on an s3:// warehouse in MinIO, with storage.sts_endpoint
set to MinIO and remote signing on; the second keeps no credentials
(storage.vend_cache_entries=0), so every vended load asks the STS. Then,
over one keep-alive HTTP connection, one request at a time, N times each:

  loadTable            GET .../tables/t, no delegation (the baseline)
  loadTable.vended     the same with X-Iceberg-Access-Delegation:
                       vended-credentials, credentials from the cache
  loadTable.vended.miss  the same on the server without a cache: one STS
                       AssumeRole (MinIO) per load
  credentials          GET .../tables/t/credentials (cache hit)
  sign                 POST .../tables/t/sign of a GET under the table
  sign.big             the same for a table whose metadata document is
                       about 1 MB (300 schemas of 60 columns, one commit): a
                       sign request learns the location from a cache per
                       metadata file, so the document's size should not show
  sign+get             the sign round trip and then the signed GET of the
                       table's metadata file from MinIO

Prints median, p99 and requests/s per line, and each median's ratio to
loadTable's. The client is Python (http.client): its own cost is in every
line alike.
"""
import argparse
import glob
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
os.environ.setdefault("METASTORE_BIN", os.path.join(TOP, "metastore", "metastore"))

import servers  # noqa: E402

ROOT, SECRET = "bench-root", "bench-root-secret-0123456789"


def start_minio(binary):
    data = tempfile.mkdtemp(prefix="ms-bench-minio-")
    port = servers.free_port()
    env = dict(os.environ, MINIO_ROOT_USER=ROOT, MINIO_ROOT_PASSWORD=SECRET,
               MINIO_BROWSER="off", MINIO_UPDATE="off", HOME=data)
    proc = subprocess.Popen([binary, "server", "--quiet", "--address", "127.0.0.1:%d" % port,
                             "--console-address", "127.0.0.1:%d" % servers.free_port(), data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    endpoint = "http://127.0.0.1:%d" % port
    for _ in range(240):
        try:
            urllib.request.urlopen(endpoint + "/minio/health/ready", timeout=1)
            break
        except Exception:  # noqa: BLE001 (not up yet)
            time.sleep(0.25)
    # the bucket, through our own storage command (it signs with SigV4)
    return proc, data, endpoint


def make_bucket(endpoint, bucket):
    subprocess.run(["curl", "-sf", "-X", "PUT", "--aws-sigv4", "aws:amz:us-east-1:s3",
                    "--user", "%s:%s" % (ROOT, SECRET), "%s/%s" % (endpoint, bucket)],
                   check=True, capture_output=True)


def start_metastore(pg, endpoint, extra):
    tmp = tempfile.mkdtemp(prefix="ms-bench-deleg-")
    env = {"METASTORE_S3_ACCESS_KEY": ROOT, "METASTORE_S3_SECRET_KEY": SECRET}
    sets = ["s3.endpoint=" + endpoint, "s3.path_style=true", "s3.region=us-east-1",
            "storage.sts_endpoint=" + endpoint, "storage.remote_signing=true",
            "log.level=warning"] + extra
    return servers.Server(pg, pg.createdb(), tmp, sets=sets, env=env,
                          warehouse="s3://benchwh/wh")


class Conn:
    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, headers=None):
        data = json.dumps(body) if body is not None else None
        h = dict({"Content-Type": "application/json"} if data else {}, **(headers or {}))
        self.c.request(method, path, body=data, headers=h)
        r = self.c.getresponse()
        text = r.read()
        assert r.status in (200, 204), (method, path, r.status, text[:300])
        return json.loads(text) if text else None


def measure(name, n, fn, base=None):
    for _ in range(min(20, n)):
        fn()                      # warm: connection, caches
    times = []
    t0 = time.perf_counter()
    for _ in range(n):
        s = time.perf_counter()
        fn()
        times.append(time.perf_counter() - s)
    wall = time.perf_counter() - t0
    times.sort()
    med = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    ratio = " (x%.2f loadTable)" % (med / base) if base else ""
    print("%-22s median %7.3f ms  p99 %7.3f ms  %7.0f req/s%s" % (name, med, p99, n / wall, ratio))
    return med


def main():
    ap = argparse.ArgumentParser()
    cached = sorted(glob.glob(os.path.expanduser("~/.cache/metastore/engines/bin/minio-*")))
    ap.add_argument("--minio", default=cached[-1] if cached else None)
    ap.add_argument("--count", type=int, default=2000)
    a = ap.parse_args()
    if not a.minio:
        sys.exit("no MinIO binary: run script/test-engines once, or give --minio BIN")
    minio, data, endpoint = start_minio(a.minio)
    ms = ms_nocache = None
    try:
        make_bucket(endpoint, "benchwh")
        with servers.pg_cluster() as pg:
            ms = start_metastore(pg, endpoint, [])
            ms_nocache = start_metastore(pg, endpoint, ["storage.vend_cache_entries=0"])
            run(a.count, ms, ms_nocache, endpoint)
            for s in (ms, ms_nocache):
                s.stop_and_check()
                shutil.rmtree(s.tmp, ignore_errors=True)
    finally:
        minio.terminate()
        minio.wait(30)
        shutil.rmtree(data, ignore_errors=True)


def run(n, ms, ms_nocache, endpoint):
    vended = {"X-Iceberg-Access-Delegation": "vended-credentials"}
    schema = {"type": "struct", "schema-id": 0, "fields": [
        {"id": 1, "name": "id", "required": True, "type": "long"}]}
    conns = {}
    for s in (ms, ms_nocache):
        c = conns[s] = Conn(s.rest_port)
        c.call("POST", "/v1/namespaces", {"namespace": ["bench"]})
        doc = c.call("POST", "/v1/namespaces/bench/tables", {"name": "t", "schema": schema})
    c, cn = conns[ms], conns[ms_nocache]
    c.call("POST", "/v1/namespaces/bench/tables", {"name": "big", "schema": schema})
    c.call("POST", "/v1/namespaces/bench/tables/big", {"requirements": [], "updates": [
        {"action": "add-schema", "schema": {"type": "struct", "schema-id": v, "fields": [
            {"id": 1, "name": "id", "required": True, "type": "long"}] + [
            {"id": 2 + f, "name": "column_%d_%d" % (v, f), "required": False,
             "type": "string", "doc": "a column of schema version %d" % v}
            for f in range(60)]}} for v in range(1, 301)]})
    md_url = "%s/%s" % (endpoint, doc["metadata-location"][len("s3://"):])
    t = "/v1/namespaces/bench/tables/t"
    md_url = "%s/%s" % (endpoint, c.call("GET", t)["metadata-location"][len("s3://"):])
    sign_body = {"region": "us-east-1", "uri": md_url, "method": "GET",
                 "headers": {"x-amz-content-sha256": ["UNSIGNED-PAYLOAD"]}}
    store = http.client.HTTPConnection(endpoint[len("http://"):], timeout=30)

    def sign_and_get():
        signed = c.call("POST", t + "/sign", sign_body)
        h = {k: v[0] for k, v in signed["headers"].items()}
        h["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        store.request("GET", md_url[len(endpoint):], headers=h)
        r = store.getresponse()
        r.read()
        assert r.status == 200, r.status

    base = measure("loadTable", n, lambda: c.call("GET", t))
    measure("loadTable.vended", n, lambda: c.call("GET", t, headers=vended), base)
    measure("loadTable.vended.miss", max(50, n // 10),
            lambda: cn.call("GET", t, headers=vended), base)
    measure("credentials", n, lambda: c.call("GET", t + "/credentials"), base)
    measure("sign", n, lambda: c.call("POST", t + "/sign", sign_body), base)
    big_body = dict(sign_body, uri=md_url.replace("/t/metadata/", "/big/metadata/"))
    measure("sign.big", n, lambda: c.call("POST", "/v1/namespaces/bench/tables/big/sign",
                                          big_body), base)
    measure("sign+get", n, sign_and_get, base)


if __name__ == "__main__":
    main()

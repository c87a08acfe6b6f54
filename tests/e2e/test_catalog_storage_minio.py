"""Vended credentials per catalog against real STS: two MinIO servers, each
with its own root keys, serve the catalogs alpha and beta through their
[catalog.<name>] groups (s3.* and storage.sts_endpoint of their own).
Credentials vended for a table of alpha come from alpha's MinIO and open
that table's files there; beta's MinIO refuses them, and the other way
round. Skipped when no MinIO binary is at hand: $METASTORE_MINIO_BIN, else
the one script/test-engines builds into ~/.cache/metastore/engines/bin.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import unique
from iceboth import config_file_server, create_namespace
from icelib import Rest, simple_schema
from servers import free_port

VENDED = {"X-Iceberg-Access-Delegation": "vended-credentials"}
REGION = "us-east-1"


def minio_binary():
    b = os.environ.get("METASTORE_MINIO_BIN")
    if b and os.access(b, os.X_OK):
        return b
    found = sorted(glob.glob(os.path.expanduser("~/.cache/metastore/engines/bin/minio-*")))
    return found[-1] if found else None


class MinIO:
    """A MinIO server on a temporary directory with its own root keys."""

    def __init__(self, name):
        self.access_key = name + "-root"
        self.secret_key = name + "-root-secret-" + unique("k")
        self.data = tempfile.mkdtemp(prefix="ms-e2e-minio-", dir="/tmp")
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ, MINIO_ROOT_USER=self.access_key, MINIO_ROOT_PASSWORD=self.secret_key,
                   MINIO_BROWSER="off", MINIO_UPDATE="off", MINIO_REGION=REGION, HOME=self.data)
        self.log = open(os.path.join(self.data, "minio.log"), "w")
        self.proc = subprocess.Popen(
            [minio_binary(), "server", "--quiet", "--address", "127.0.0.1:%d" % self.port,
             "--console-address", "127.0.0.1:%d" % free_port(), os.path.join(self.data, "d")],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.endpoint + "/minio/health/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("MinIO did not start")

    def request(self, method, path, key, secret, token=None):
        """HTTP status of a SigV4-signed request (curl signs it)."""
        cmd = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
               "--aws-sigv4", "aws:amz:%s:s3" % REGION, "--user", "%s:%s" % (key, secret),
               "-H", "x-amz-content-sha256: " + hashlib.sha256(b"").hexdigest()]
        if token:
            cmd += ["-H", "x-amz-security-token: " + token]
        r = subprocess.run(cmd + ["%s/%s" % (self.endpoint, path)], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return int(r.stdout)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="module")
def minios():
    if minio_binary() is None:
        pytest.skip("no MinIO binary ($METASTORE_MINIO_BIN, or run script/test-engines once)")
    made = {}
    try:
        for name in ("alpha", "beta"):
            m = made[name] = MinIO(name)
            assert m.request("PUT", name, m.access_key, m.secret_key) == 200
        yield made
    finally:
        for m in made.values():
            m.stop()


def group(name, m):
    return ("[catalog.%s]\nwarehouse.root = s3://%s/wh\ns3.endpoint = %s\ns3.region = %s\n"
            "s3.path_style = true\ns3.access_key = %s\nstorage.sts_endpoint = %s\n"
            % (name, name, m.endpoint, REGION, m.access_key, m.endpoint))


@pytest.fixture(scope="module")
def srv(pg, minios):
    env = {"METASTORE_CATALOG_%s_S3_SECRET_KEY" % n.upper(): m.secret_key
           for n, m in minios.items()}
    conf = "\n".join(group(n, m) for n, m in minios.items())
    wh = tempfile.mkdtemp(prefix="ms-e2e-catminio-", dir="/tmp")
    try:
        with config_file_server(pg, "file://%s/wh" % wh, conf, env) as s:
            yield s
    finally:
        shutil.rmtree(wh, ignore_errors=True)


def test_vended_credentials_come_from_the_catalogs_sts(srv, minios):
    ns = unique("vend")
    got = {}
    for name in minios:
        rest = Rest(srv.rest_port, prefix=name)
        create_namespace(rest, ns)
        st, doc = rest.call("POST", rest.v1("namespaces/%s/tables" % ns),
                            {"name": "t", "schema": simple_schema()}, headers=VENDED)
        assert st == 200, doc
        cred = doc["storage-credentials"][0]
        assert cred["prefix"] == "s3://%s/wh/%s.db/t" % (name, ns), cred
        c = cred["config"]
        assert doc["config"]["s3.endpoint"] == minios[name].endpoint
        assert c["s3.access-key-id"] != minios[name].access_key
        got[name] = (doc["metadata-location"][len("s3://"):], c["s3.access-key-id"],
                     c["s3.secret-access-key"], c["s3.session-token"])
    for name, (path, key, secret, token) in got.items():
        # the table's own files, on its catalog's MinIO
        assert minios[name].request("GET", path, key, secret, token) == 200
        for other, m in minios.items():
            if other != name:
                # the other MinIO knows nothing of these credentials, and
                # the same path there is not theirs either
                assert m.request("GET", path, key, secret, token) == 403
                other_path = got[other][0]
                assert minios[name].request("GET", other_path, key, secret, token) in (403, 404)

"""components.py: the real processes of the engines suite and how to reach them.

Owns: MinIO (the object store), the metastore under test (the sanitizer
build, through tests/e2e/servers.py), and the Spark job runner. Trino and
the other engines live in their own modules beside this one. Everything
listens on 127.0.0.1 on free ports, writes its log under the results folder
($METASTORE_ENGINE_RESULTS) and is stopped by the fixture that started it.

script/test-engines sets the environment this reads:
METASTORE_ENGINE_CACHE, METASTORE_ENGINE_RESULTS, METASTORE_ENGINE_VENV,
METASTORE_MINIO_BIN, METASTORE_JAVA17_HOME, METASTORE_JAVA25_HOME,
METASTORE_BIN, METASTORE_ENGINES_SKIP.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
sys.path.insert(0, os.path.join(TOP, "gen-py"))

import servers  # noqa: E402  (tests/e2e/servers.py)

CACHE = os.environ.get("METASTORE_ENGINE_CACHE", "")
RESULTS = os.environ.get("METASTORE_ENGINE_RESULTS") or tempfile.mkdtemp(prefix="ms-engines-")
VENV = os.environ.get("METASTORE_ENGINE_VENV", os.path.dirname(os.path.dirname(sys.executable)))
JAVA17 = os.environ.get("METASTORE_JAVA17_HOME", "")
JAVA25 = os.environ.get("METASTORE_JAVA25_HOME", "")
SKIP = set(os.environ.get("METASTORE_ENGINES_SKIP", "").replace(",", " ").split())
FETCH = os.path.join(HERE, "fetch.py")


def opted_out(component):
    """Skip (visibly) when METASTORE_ENGINES_SKIP names the component."""
    if component in SKIP:
        pytest.skip("%s opted out by METASTORE_ENGINES_SKIP" % component)


def results_path(*parts):
    p = os.path.join(RESULTS, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def classpath(jar_set):
    """The cached jars of a downloads.lock set (fetched if missing)."""
    out = subprocess.run(["/usr/bin/python3", FETCH, "classpath", jar_set],
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError("fetch %s: %s" % (jar_set, out.stderr))
    return out.stdout.strip().split(":")


def wait_until(what, check, timeout, proc=None, log=None, interval=0.25):
    """Poll check() until it returns a true value; fail with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with %s before it was ready%s" % (
                what, proc.returncode, tail_of(log)))
        try:
            v = check()
            if v:
                return v
        except Exception:  # noqa: BLE001 (not up yet)
            pass
        time.sleep(interval)
    raise RuntimeError("%s not ready within %d s%s" % (what, timeout, tail_of(log)))


def tail_of(log, n=30):
    if not log:
        return ""
    try:
        with open(log, errors="replace") as f:
            return "; log tail:\n" + "".join(f.readlines()[-n:])
    except OSError:
        return ""


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def stop_process(proc, grace=20):
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except OSError:
        proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        proc.wait(10)


# ---------------------------------------------------------------------------
# MinIO
# ---------------------------------------------------------------------------

class MinIO:
    """A MinIO server on a temporary data directory, with its root keys."""

    access_key = "engines-root"
    secret_key = "engines-root-secret-0123456789"
    region = "us-east-1"

    def __init__(self):
        binary = os.environ.get("METASTORE_MINIO_BIN")
        if not binary or not os.access(binary, os.X_OK):
            raise RuntimeError("METASTORE_MINIO_BIN is not set (run through script/test-engines)")
        self.data = tempfile.mkdtemp(prefix="ms-engines-minio-")
        self.port = servers.free_port()
        self.console_port = servers.free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.log = results_path("minio", "minio.log")
        env = dict(os.environ, MINIO_ROOT_USER=self.access_key,
                   MINIO_ROOT_PASSWORD=self.secret_key, MINIO_BROWSER="off",
                   MINIO_UPDATE="off", MINIO_REGION=self.region, HOME=self.data)
        self._logf = open(self.log, "w")
        self.proc = subprocess.Popen(
            [binary, "server", "--quiet", "--address", "127.0.0.1:%d" % self.port,
             "--console-address", "127.0.0.1:%d" % self.console_port, self.data],
            stdout=self._logf, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        wait_until("MinIO", lambda: http_get(self.endpoint + "/minio/health/ready")[0] == 200,
                   60, self.proc, self.log)

    def client(self):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=self.region,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 3}))

    def make_bucket(self, name):
        """Create a bucket through the S3 API (idempotent)."""
        c = self.client()
        try:
            c.create_bucket(Bucket=name)
        except c.exceptions.BucketAlreadyOwnedByYou:
            pass
        return name

    def keys(self, bucket, prefix=""):
        """Every object key under bucket/prefix."""
        c = self.client()
        out = []
        for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def stop(self):
        stop_process(self.proc)
        self._logf.close()
        shutil.rmtree(self.data, ignore_errors=True)


# ---------------------------------------------------------------------------
# the metastore under test
# ---------------------------------------------------------------------------

class Metastore:
    """Our server (METASTORE_BIN: the sanitizer build) on a PostgreSQL database,
    its warehouse on MinIO, REST and admin ports open, REST auth off.
    "{local_root}" in 'warehouse' and in 'sets' is this server's local folder
    (local_root, inside the allowed locations)."""

    def __init__(self, pg, minio, name="metastore", warehouse=None, sets=()):
        self.pg = pg
        self.minio = minio
        self.tmp = tempfile.mkdtemp(prefix="ms-engines-%s-" % name)
        os.chmod(self.tmp, 0o755)
        self.local_root = os.path.join(self.tmp, "local")   # file:// warehouses of the tests
        os.makedirs(self.local_root)
        # "{local_root}" in 'warehouse' names this server's local folder
        self.warehouse = (warehouse or "s3a://warehouse/").replace("{local_root}",
                                                                  self.local_root)
        self.db = pg.createdb()
        sets = ["admin.port=0", "log.level=info",
                "s3.endpoint=%s" % minio.endpoint, "s3.path_style=true",
                "s3.region=%s" % minio.region,
                "storage.allowed_locations=s3a://warehouse/,s3://warehouse/,file://%s/"
                % self.local_root] + [x.replace("{local_root}", self.local_root) for x in sets]
        env = {"METASTORE_S3_ACCESS_KEY": minio.access_key,
               "METASTORE_S3_SECRET_KEY": minio.secret_key}
        for k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        self.server = servers.Server(pg, self.db, self.tmp, sets=sets, env=env,
                                     warehouse=self.warehouse,
                                     log_path=results_path(name, "metastore.log"))
        self.port = self.server.port
        self.thrift_uri = "thrift://127.0.0.1:%d" % self.port
        self.rest_uri = "http://127.0.0.1:%d" % self.server.rest_port
        self.admin_uri = "http://127.0.0.1:%d" % self.server.admin_port

    def client(self, timeout=60.0):
        return servers.Client(self.port, timeout=timeout)

    def rest(self, method, path, body=None, headers=None):
        """One REST call: (status, parsed JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.rest_uri + path, data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"},
                                                  **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw

    def metrics(self):
        """The admin /metrics text, as {(name, frozenset(labels)): value}."""
        _, body = http_get(self.admin_uri + "/metrics")
        out = {}
        for line in body.decode().splitlines():
            if not line or line.startswith("#"):
                continue
            m = re.match(r'([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$', line)
            if not m:
                continue
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            out[(m.group(1), labels)] = float(m.group(3))
        return out

    def thrift_calls(self, method):
        """How many Thrift calls of a method the server has answered."""
        key = ("metastore_thrift_request_duration_seconds_count",
               frozenset({("method", method)}))
        return int(self.metrics().get(key, 0))

    def stop_and_check(self):
        """SIGTERM; the sanitizer build exits non-zero on a leak or error."""
        try:
            self.server.stop_and_check()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# Spark
# ---------------------------------------------------------------------------

SPARK_VERSION = "3.5.7"


class Spark:
    """Runs PySpark jobs (tests/engines/jobs/<module>.py:<function>) as their
    own processes: every job is a new JVM and a new SparkSession, so nothing
    a later job reads comes from an earlier one's caches."""

    def __init__(self, metastore, minio):
        opted_out("spark")
        self.metastore = metastore
        self.minio = minio
        self.python = os.path.join(VENV, "bin", "python")
        jars = classpath("spark-s3a") + classpath("delta") + classpath("iceberg-spark")
        self.conf = {
            "spark.master": "local[2]",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.memory": "1g",
            # test-only: short jobs start in half the CPU with the C1
            # compiler alone (not a production setting)
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
            "spark.sql.shuffle.partitions": "4",
            "spark.jars": ",".join(jars),
            "spark.sql.catalogImplementation": "hive",
            "spark.hadoop.hive.metastore.uris": metastore.thrift_uri,
            "spark.sql.warehouse.dir": metastore.warehouse,
            "spark.hadoop.fs.s3a.endpoint": minio.endpoint,
            "spark.hadoop.fs.s3a.access.key": minio.access_key,
            "spark.hadoop.fs.s3a.secret.key": minio.secret_key,
            "spark.hadoop.fs.s3a.path.style.access": "true",
            "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
            "spark.hadoop.fs.s3a.endpoint.region": minio.region,
        }

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("METASTORE_", "ASAN_", "LSAN_", "UBSAN_"))}
        env.update(JAVA_HOME=JAVA17, PYSPARK_PYTHON=self.python,
                   PYSPARK_DRIVER_PYTHON=self.python,
                   PATH=os.path.join(JAVA17, "bin") + ":" + env.get("PATH", ""),
                   PYTHONPATH=HERE, SPARK_LOCAL_IP="127.0.0.1")
        env.pop("SPARK_HOME", None)
        return env

    def run(self, job, args=None, conf=None, log_name=None, timeout=900):
        """Run jobs/<module>.py:<function>(spark, **args) in a new process and
        return what it returned (JSON). Raises with the log's tail on failure."""
        name = log_name or job.replace(":", ".")
        log = results_path("spark", name + ".log")
        out = results_path("spark", name + ".json")
        c = dict(self.conf, **(conf or {}))
        cmd = [self.python, os.path.join(HERE, "jobs", "run.py"), job, out,
               json.dumps(args or {}), json.dumps(c)]
        with open(log, "a") as lf:
            lf.write("\n== %s %s\n" % (time.strftime("%H:%M:%S"), job))
            lf.flush()
            p = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, env=self.env(),
                               timeout=timeout, cwd=tempfile.gettempdir())
        if p.returncode != 0:
            raise AssertionError("Spark job %s failed (exit %d)%s" % (
                job, p.returncode, tail_of(log, 60)))
        with open(out) as f:
            return json.load(f)

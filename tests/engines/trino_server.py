"""trino_server.py: a Trino server of the engines suite, and how to query it.

(Not trino.py: that name would hide the trino client package.)

Owns the Trino installation in the cache and the Trino process. install()
unpacks the pinned downloads (the `trino` set of downloads.lock: the
server core, the hive and iceberg plugin zips, nothing else) once into
$METASTORE_ENGINE_CACHE/trino-<version>/{lib,plugin/hive,plugin/iceberg}:
into a temporary directory first, renamed into place, so runs sharing the
cache never see half an installation. Trino runs single-node (coordinator
and worker in one JVM, on $METASTORE_JAVA25_HOME: Trino 476 needs Java 24
or later) on 127.0.0.1 and a free HTTP port, its etc/ written per run in a
temporary directory with the node's data directory there too (its working
directory, as Trino's launcher does), its logs under the results folder
(trino/server.log, trino/stdout.log; every query and its time in
trino/queries.log). Four catalogs on the one metastore, storage on MinIO
through Trino's native S3 file system:

    hive          connector hive, hive.metastore.uri (Thrift)
    hive_sql      the same with hive.security=sql-standard (roles and grants
                  kept in the metastore)
    iceberg       connector iceberg, iceberg.catalog.type=hive_metastore
    iceberg_rest  connector iceberg, iceberg.catalog.type=rest

catalog_files() returns these files' text (the README's copy-paste
configuration, with real addresses and keys).
"""
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile

import components
from components import (CACHE, JAVA25, opted_out, results_path, stop_process,
                        wait_until)
import servers

VERSION = "476"
HEAP = "2G"
USER = "engines"


def install():
    """The unpacked Trino (lib/ and plugin/ only) in the cache; unpacks it
    once, from the verified downloads, if it is not there yet."""
    base = CACHE or tempfile.gettempdir()
    home = os.path.join(base, "trino-%s" % VERSION)
    if os.path.isdir(os.path.join(home, "lib")):
        return home
    archives = components.classpath("trino")
    core = [a for a in archives if "trino-server-core-" in os.path.basename(a)]
    plugins = [a for a in archives if a.endswith(".zip")]
    if len(core) != 1 or not plugins:
        raise RuntimeError("downloads.lock set 'trino' must hold the server core and plugin zips")
    tmp = tempfile.mkdtemp(prefix=".trino-%s-" % VERSION, dir=base)
    try:
        with tarfile.open(core[0]) as tf:
            for m in tf.getmembers():
                parts = m.name.split("/")
                # <top>/lib/... only: the core's own optional plugins stay out
                if len(parts) != 3 or parts[1] != "lib" or not m.isfile() or ".." in parts:
                    continue
                os.makedirs(os.path.join(tmp, "lib"), exist_ok=True)
                with tf.extractfile(m) as src, open(os.path.join(tmp, "lib", parts[2]), "wb") as out:
                    shutil.copyfileobj(src, out)
        for z in plugins:
            # trino-hive-476.zip -> plugin/hive
            name = os.path.basename(z)[len("trino-"):-len("-%s.zip" % VERSION)]
            dest = os.path.join(tmp, "plugin", name)
            with zipfile.ZipFile(z) as zf:
                for info in zf.infolist():
                    parts = info.filename.split("/")
                    if info.is_dir() or len(parts) != 2 or ".." in parts:
                        continue
                    os.makedirs(dest, exist_ok=True)
                    with zf.open(info) as src, open(os.path.join(dest, parts[1]), "wb") as out:
                        shutil.copyfileobj(src, out)
        try:
            os.rename(tmp, home)
        except OSError:
            if not os.path.isdir(os.path.join(home, "lib")):
                raise
            # another run unpacked it first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return home


def catalog_files(metastore, minio):
    """{catalog name: properties text} for the three catalogs."""
    s3 = ("fs.native-s3.enabled=true\n"
          "s3.endpoint=%s\n"
          "s3.region=%s\n"
          "s3.path-style-access=true\n"
          "s3.aws-access-key=%s\n"
          "s3.aws-secret-key=%s\n" % (minio.endpoint, minio.region,
                                      minio.access_key, minio.secret_key))
    return {
        "hive": ("connector.name=hive\n"
                 "hive.metastore.uri=%s\n"
                 "hive.iceberg-catalog-name=iceberg\n" % metastore.thrift_uri) + s3,
        "hive_sql": ("connector.name=hive\n"
                     "hive.metastore.uri=%s\n"
                     "hive.security=sql-standard\n" % metastore.thrift_uri) + s3,
        "iceberg": ("connector.name=iceberg\n"
                    "iceberg.catalog.type=hive_metastore\n"
                    "hive.metastore.uri=%s\n" % metastore.thrift_uri) + s3,
        "iceberg_rest": ("connector.name=iceberg\n"
                         "iceberg.catalog.type=rest\n"
                         "iceberg.rest-catalog.uri=%s\n" % metastore.rest_uri) + s3,
    }


JVM_OPTIONS = [
    "-Xmx" + HEAP,
    "-XX:+UseG1GC",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:ReservedCodeCacheSize=256M",
    "-XX:PerMethodRecompilationCutoff=10000",
    "-XX:PerBytecodeRecompilationCutoff=10000",
    "-Djdk.attach.allowAttachSelf=true",
    "-Djdk.nio.maxCachedBufferSize=2000000",
    "-Dfile.encoding=UTF-8",
    "-XX:+EnableDynamicAgentLoading",
    "--enable-native-access=ALL-UNNAMED",
    # the tests' queries are small: C1 only halves the CPU Trino's start takes
    "-XX:TieredStopAtLevel=1",
]


class Trino:
    """A single-node Trino on 127.0.0.1 with the hive, iceberg and
    iceberg_rest catalogs on the given metastore and MinIO."""

    version = VERSION

    def __init__(self, metastore, minio, extra_catalogs=None):
        """'extra_catalogs': {name: properties text} of further catalogs."""
        opted_out("trino")
        java = os.path.join(JAVA25, "bin", "java") if JAVA25 else ""
        if not java or not os.access(java, os.X_OK):
            raise RuntimeError("no Java 24+ JDK (METASTORE_JAVA25_HOME); Trino %s needs one"
                               % VERSION)
        home = install()
        self.tmp = tempfile.mkdtemp(prefix="ms-engines-trino-")
        etc = os.path.join(self.tmp, "etc")
        data = os.path.join(self.tmp, "data")   # the node's data dir: its working directory
        os.makedirs(os.path.join(etc, "catalog"))
        os.makedirs(data)
        self.port = servers.free_port()
        self.uri = "http://127.0.0.1:%d" % self.port
        self.log = results_path("trino", "server.log")
        self.stdout_log = results_path("trino", "stdout.log")
        self.queries_log = results_path("trino", "queries.log")
        config = {
            "node.environment": "engines",
            "node.id": "engines-1",
            "node.internal-address": "127.0.0.1",
            "node.bind-ip": "127.0.0.1",
            "coordinator": "true",
            "node-scheduler.include-coordinator": "true",
            "http-server.http.port": str(self.port),
            "discovery.uri": self.uri,
            "plugin.dir": os.path.join(home, "plugin"),
            "catalog.config-dir": os.path.join(etc, "catalog"),
            "query.max-memory": "1GB",
            "query.max-memory-per-node": "512MB",
            "http-server.log.enabled": "false",
            "web-ui.enabled": "false",
            "log.path": self.log,
            "log.enable-console": "false",
        }
        with open(os.path.join(etc, "config.properties"), "w") as f:
            f.write("".join("%s=%s\n" % kv for kv in config.items()))
        for name, text in dict(catalog_files(metastore, minio), **(extra_catalogs or {})).items():
            with open(os.path.join(etc, "catalog", name + ".properties"), "w") as f:
                f.write(text)
        cmd = [java] + JVM_OPTIONS + [
            "-Dconfig=" + os.path.join(etc, "config.properties"),
            "-cp", os.path.join(home, "lib", "*"), "io.trino.server.TrinoServer"]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("METASTORE_", "ASAN_", "LSAN_", "UBSAN_", "AWS_"))}
        env["JAVA_HOME"] = JAVA25
        self._logf = open(self.stdout_log, "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self._logf, stderr=subprocess.STDOUT, env=env,
                                     cwd=data, start_new_session=True)
        try:
            wait_until("Trino", self._started, 300, self.proc, self.stdout_log, interval=1)
        except Exception as e:
            self.stop()
            raise RuntimeError("%s%s" % (e, components.tail_of(self.log))) from None
        self.start_seconds = time.monotonic() - t0

    def _started(self):
        """Up, and its node active. /v1/info stops saying "starting"
        before the node list has the coordinator's own node. That is not
        yet enough for a table scan: see query()."""
        _, body = components.http_get(self.uri + "/v1/info")
        if json.loads(body).get("starting", True):
            return False
        return self.query("SELECT count(*) FROM system.runtime.nodes "
                          "WHERE state = 'active'") not in ([], [[0]])

    def connect(self, catalog=None, schema=None, roles=None):
        """A client session; 'roles' ({catalog: role}) are the session's
        enabled roles (SET ROLE)."""
        import trino.dbapi
        return trino.dbapi.connect(host="127.0.0.1", port=self.port, user=USER,
                                   catalog=catalog, schema=schema, http_scheme="http",
                                   request_timeout=120, roles=roles)

    # Trino's coordinator rebuilds its map of which nodes serve which
    # catalog on a 5 s timer, and the rebuild made during start-up runs
    # before the catalogs are loaded. Until the next tick, a statement
    # that schedules a split on a catalog (a table scan) fails with
    # NO_NODES_AVAILABLE, while DDL, INSERT ... VALUES and system tables
    # (system.runtime.nodes too) work: seen in CI 3 s after start. The
    # failure comes while scheduling, before any split runs or anything
    # commits, so the statement is sent again, for at most two ticks.
    NO_NODES_RETRY_S = 12.0

    def query(self, sql, catalog=None, schema=None, roles=None):
        """Run one statement; its rows as lists. Logged with its time."""
        deadline = time.monotonic() + self.NO_NODES_RETRY_S
        while True:
            try:
                return self._query_once(sql, catalog, schema, roles)
            except Exception as e:  # noqa: BLE001 (re-raised unless the start-up gap)
                if (getattr(e, "error_name", None) != "NO_NODES_AVAILABLE"
                        or time.monotonic() > deadline):
                    raise
            time.sleep(0.5)

    def _query_once(self, sql, catalog, schema, roles):
        t0 = time.monotonic()
        err = None
        try:
            conn = self.connect(catalog, schema, roles)
            try:
                cur = conn.cursor()
                cur.execute(sql)
                return cur.fetchall()
            finally:
                conn.close()
        except Exception as e:  # noqa: BLE001 (logged, re-raised)
            err = e
            raise
        finally:
            with open(self.queries_log, "a") as f:
                f.write("%6.2f s  %s%s\n" % (time.monotonic() - t0, " ".join(sql.split()),
                                            "  -> %s" % str(err).splitlines()[0][:300]
                                            if err else ""))

    def stop(self):
        stop_process(self.proc, grace=30)
        self._logf.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


"""hs2_server.py: a real HiveServer2 (Apache Hive 4.0.1) over our metastore.

Apache Hive publishes HiveServer2 on Maven Central only up to 4.0.1
(org.apache.hive:hive-service; of 4.1.0 and later only parts are there:
hive-exec, hive-jdbc, the metastore jars, hive-beeline and hive-cli
4.2.1), so 4.0.1 is the HiveServer2 that can run here. Its jars are the `hs2` set of downloads.lock: what
Maven resolves for hive-service 4.0.1 with Hadoop 3.3.6's common, HDFS
and MapReduce client jars (MapReduce runs in-process: local mode), less
pac4j's SAML (not on Central, and only for SAML logins) and the log4j 1
bindings that Hadoop and ZooKeeper drag in (they break log4j 2's MDC on
Java 17). It runs on Java 17 with the --add-opens Hive 4 needs.

Owns: HiveServer2 (one JVM on 127.0.0.1 and a free port, its hive-site.xml
written per run in a temporary folder: our metastore over Thrift, a
file:// warehouse inside the metastore's allowed local folder, MapReduce in
local mode; its log under the results folder; stop() ends it) and
HiveServer2.beeline() (the beeline pyspark ships: Hive 2.3.9's beeline and
JDBC driver; Hive 4's own beeline is on Central only as 4.2.1, built for
another Hive). site() returns the hive-site settings the README quotes.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from xml.sax.saxutils import escape

import components
from components import JAVA17, opted_out, results_path, stop_process, wait_until
import servers
import thriftserver

VERSION = "4.0.1"
HEAP = "1g"

# What Hive 4 opens on Java 17 (Kryo, Hadoop's and Hive's reflection).
ADD_OPENS = ["java.base/" + p for p in (
    "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
    "java.text", "java.time", "java.util", "java.util.concurrent",
    "java.util.concurrent.atomic", "java.util.regex", "sun.nio.ch", "sun.nio.cs",
    "sun.security.action", "sun.util.calendar")] + ["java.sql/java.sql"]

LOG4J2 = """status = WARN
name = hs2-engines
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{ISO8601}} %-5p [%t] %c{{2}}: %m%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
"""


def site(metastore_uri, warehouse, port, tmp):
    """The hive-site.xml settings of a HiveServer2 on our metastore: the
    metastore and warehouse, MapReduce in local mode on file://, the
    HiveServer2 door on 127.0.0.1:port without authentication, and its
    working folders under tmp."""
    return {
        "hive.metastore.uris": metastore_uri,
        "hive.metastore.warehouse.dir": warehouse,
        "hive.metastore.warehouse.external.dir": warehouse,
        "fs.defaultFS": "file:///",
        "hive.execution.engine": "mr",
        "mapreduce.framework.name": "local",
        "hive.server2.thrift.bind.host": "127.0.0.1",
        "hive.server2.thrift.port": str(port),
        "hive.server2.transport.mode": "binary",
        "hive.server2.authentication": "NONE",
        "hive.server2.enable.doAs": "false",
        "hive.server2.webui.port": "0",
        # fail the start at once, not retry it every minute for half an hour
        "hive.server2.max.start.attempts": "1",
        "hive.exec.scratchdir": os.path.join(tmp, "scratch"),
        "hive.exec.local.scratchdir": os.path.join(tmp, "local-scratch"),
        "hive.downloaded.resources.dir": os.path.join(tmp, "resources"),
        "hive.querylog.location": os.path.join(tmp, "querylog"),
        "hive.server2.logging.operation.log.location": os.path.join(tmp, "oplogs"),
        "hive.query.results.cache.directory": "file://" + os.path.join(tmp, "results-cache"),
        # MapReduce's local runner: its job and staging folders (else /tmp/hadoop*)
        "hadoop.tmp.dir": os.path.join(tmp, "hadoop"),
        "mapreduce.jobtracker.staging.root.dir": os.path.join(tmp, "hadoop", "staging"),
    }


def site_xml(settings):
    return "<configuration>\n%s</configuration>\n" % "".join(
        "  <property><name>%s</name><value>%s</value></property>\n" % (escape(k), escape(v))
        for k, v in settings.items())


class HiveServer2:
    """HiveServer2 4.0.1 in its own JVM on our metastore; the constructor
    returns once it accepts connections (start_seconds says how long that
    took) and stops it again if it does not."""

    version = VERSION

    def __init__(self, metastore, name="hiveserver2"):
        opted_out("hiveserver2")
        java = os.path.join(JAVA17, "bin", "java") if JAVA17 else ""
        if not java or not os.access(java, os.X_OK):
            raise RuntimeError("no Java 17 (METASTORE_JAVA17_HOME); HiveServer2 %s needs it"
                               % VERSION)
        jars = [j for j in components.classpath("hs2") if j.endswith(".jar")]
        self.tmp = tempfile.mkdtemp(prefix="ms-engines-hs2-")
        conf = os.path.join(self.tmp, "conf")
        os.makedirs(conf)
        self.port = servers.free_port()
        self.warehouse = "file://%s/hs2-warehouse" % metastore.local_root
        self.log = results_path(name, "hiveserver2.log")
        self.stdout_log = results_path(name, "stdout.log")
        self.beeline_log = results_path(name, "beeline.log")
        self.settings = site(metastore.thrift_uri, self.warehouse, self.port, self.tmp)
        with open(os.path.join(conf, "hive-site.xml"), "w") as f:
            f.write(site_xml(self.settings))
        for name_ in ("hive-log4j2.properties", "hive-exec-log4j2.properties"):
            with open(os.path.join(conf, name_), "w") as f:
                f.write(LOG4J2.format(log=self.log))
        cmd = [java, "-Xmx" + HEAP, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
        cmd += ["--add-opens=%s=ALL-UNNAMED" % p for p in ADD_OPENS]
        cmd += ["-Djava.io.tmpdir=" + self.tmp, "-cp", ":".join([conf] + jars),
                "org.apache.hive.service.server.HiveServer2"]
        self.spark_home = thriftserver.spark_home()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("METASTORE_", "ASAN_", "LSAN_", "UBSAN_", "HADOOP_",
                                         "HIVE_", "SPARK_"))}
        self.env.update(JAVA_HOME=JAVA17, SPARK_HOME=self.spark_home,
                        PATH=os.path.join(JAVA17, "bin") + ":" + self.env.get("PATH", ""))
        self._logf = open(self.stdout_log, "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=self._logf, stderr=subprocess.STDOUT,
                                     env=self.env, cwd=self.tmp, start_new_session=True)
        try:
            wait_until("HiveServer2", self._accepts, 300, self.proc, self.stdout_log, interval=1)
        except Exception as e:
            self.stop()
            raise RuntimeError("%s%s" % (e, components.tail_of(self.log, 60))) from None
        self.start_seconds = time.monotonic() - t0

    def _accepts(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2):
            return True

    @property
    def jdbc_url(self):
        return "jdbc:hive2://127.0.0.1:%d/" % self.port

    def beeline(self, sql, timeout=300):
        """Run statements (-e) with beeline; their output as csv2. Raises
        with beeline's output when it exits non-zero."""
        return thriftserver.beeline(self.spark_home, self.env, self.tmp, self.jdbc_url, sql,
                                    self.beeline_log, timeout)

    def stop(self):
        stop_process(self.proc, grace=30)
        self._logf.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

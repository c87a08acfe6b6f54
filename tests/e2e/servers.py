"""Processes the tests drive: a throw-away PostgreSQL cluster, the real
metastore binary ($METASTORE_BIN) and a Thrift client generated from our IDL.

Shared by the end-to-end suite (tests/e2e, through conftest.py) and the real
engines suite (tests/engines), which imports it by path.
"""
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
METASTORE_BIN = os.environ.get("METASTORE_BIN") or os.path.join(TOP, "metastore", "metastore")
if os.path.join(TOP, "gen-py") not in sys.path:
    sys.path.insert(0, os.path.join(TOP, "gen-py"))

from thrift.transport import TSocket, TTransport  # noqa: E402
from thrift.protocol import TBinaryProtocol  # noqa: E402
from hive_metastore import ThriftHiveMetastore  # noqa: E402

IS_ROOT = os.geteuid() == 0


def unique(prefix="e2e"):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(extra=None):
    """The environment for child processes: no stray METASTORE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("METASTORE_")}
    env.pop("PGHOST", None)
    env.pop("PGPORT", None)
    # every test server's REST door on a free port (its default is 8181)
    env["METASTORE_REST_PORT"] = "0"
    # REST authentication off: the tests use an external PostgreSQL, where
    # rest.auth=auto would require tokens (test_iceberg_auth.py turns it on)
    env["METASTORE_REST_AUTH"] = "none"
    if extra:
        env.update(extra)
    return env


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

def pg_bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             timeout=10)
        d = out.stdout.strip()
        if out.returncode == 0 and d and os.path.exists(os.path.join(d, "initdb")):
            return d
    except (OSError, subprocess.SubprocessError):
        pass
    cands = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
             if os.path.exists(os.path.join(d, "initdb"))]

    def major(d):
        m = re.search(r"/postgresql/(\d+)", d)
        return int(m.group(1)) if m else 0

    cands.sort(key=major)
    if not cands:
        pytest.skip("no PostgreSQL installation (initdb) found")
    return cands[-1]


class PgCluster:
    """A throw-away PostgreSQL cluster reachable only through a Unix socket."""

    def __init__(self):
        self.bindir = pg_bindir()
        self.root = tempfile.mkdtemp(prefix="ms-e2e-pg-", dir="/tmp")
        self.datadir = os.path.join(self.root, "data")
        self.sockdir = self.root
        self.port = free_port()
        self.logfile = os.path.join(self.root, "postgres.log")
        self.started = False
        if IS_ROOT:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root, 0o755)

    def _run(self, args, check=True, timeout=60, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        if IS_ROOT:
            kw["user"] = "postgres"
            kw["group"] = pwd.getpwnam("postgres").pw_gid
            kw["extra_groups"] = []
        env = clean_env({"LC_ALL": "C", "HOME": self.root})
        p = subprocess.run(args, cwd=self.root, env=env, timeout=timeout, **kw)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s\n%s" % (args, p.returncode, p.stdout,
                                                            p.stderr))
        return p

    def bin(self, name):
        return os.path.join(self.bindir, name)

    def start(self):
        self._run([self.bin("initdb"), "-D", self.datadir, "-A", "trust", "-U", "postgres",
                   "--no-sync", "-E", "UTF8"], timeout=120)
        self._pg_ctl_start()
        self.started = True
        return self

    def _opts(self):
        return ("-c listen_addresses= -c unix_socket_directories=%s -p %d -c fsync=off "
                "-c max_connections=300" % (self.sockdir, self.port))

    def _pg_ctl_start(self):
        self._run([self.bin("pg_ctl"), "-D", self.datadir, "-l", self.logfile, "-w", "-t", "60",
                   "-o", self._opts(), "start"], timeout=90)

    def restart(self):
        self._run([self.bin("pg_ctl"), "-D", self.datadir, "-l", self.logfile, "-w", "-t", "60",
                   "-m", "fast", "-o", self._opts(), "restart"], timeout=90)

    def pause(self):
        """Stop the cluster and keep its data (an outage); resume() starts it again."""
        self._run([self.bin("pg_ctl"), "-D", self.datadir, "-w", "-m", "fast", "stop"],
                  timeout=60)

    def resume(self):
        self._pg_ctl_start()

    def stop(self):
        if self.started:
            self._run([self.bin("pg_ctl"), "-D", self.datadir, "-w", "-m", "fast", "stop"],
                      check=False, timeout=60)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def createdb(self, name=None):
        name = name or unique("msdb")
        self._run([self.bin("createdb"), "-h", self.sockdir, "-p", str(self.port), "-U",
                   "postgres", name])
        return name

    def psql(self, db, sql, check=True):
        return self._run([self.bin("psql"), "-h", self.sockdir, "-p", str(self.port), "-U",
                          "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                         check=check)

    def conninfo(self, db):
        return "host=%s port=%d user=postgres dbname=%s" % (self.sockdir, self.port, db)


@contextlib.contextmanager
def pg_cluster():
    pg = PgCluster()
    try:
        pg.start()
        yield pg
    finally:
        pg.stop()


# ---------------------------------------------------------------------------
# metastore servers
# ---------------------------------------------------------------------------

def run_metastore(args, env=None, timeout=60, cwd=None):
    return subprocess.run([METASTORE_BIN] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=clean_env(env), cwd=cwd or tempfile.gettempdir())


class Server:
    bind = "127.0.0.1"      # for subclasses with their own __init__ (iceboth.WarehouseServer)

    def __init__(self, pg, db, tmpdir, sets=(), framed=False, env=None, warehouse=None,
                 log_path=None, binary=None, bind="127.0.0.1", wrapper=()):
        """'bind': the address the server listens on (clients use it too);
        'wrapper': a command prefix (e.g. ip netns exec NS)."""
        self.pg = pg
        self.bind = bind
        self.db = db
        self.tmp = tmpdir
        os.makedirs(tmpdir, exist_ok=True)
        self.framed = framed
        self.warehouse_dir = os.path.join(tmpdir, "wh")
        self.warehouse = warehouse or "file://" + self.warehouse_dir
        self.log_path = log_path or os.path.join(tmpdir, "metastore.log")
        self.port = None
        self.rest_port = None
        self.admin_port = None
        self.exit_code = None
        args = list(wrapper) + [binary or METASTORE_BIN, "serve", "--bind", bind, "--port", "0",
                "--database-url", pg.conninfo(db),
                "--data-dir", os.path.join(tmpdir, "data"),
                "--warehouse", self.warehouse]
        for s in sets:
            args += ["--set", s]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log,
                                     env=clean_env(env), cwd=tmpdir, text=True)
        self._wait_ready()

    def _wait_ready(self):
        lines = []
        found = []

        def reader():
            for line in self.proc.stdout:
                lines.append(line)
                addr = re.escape(self.bind)
                m = re.search(r"metastore ready: thrift=%s:(\d+) warehouse=" % addr, line)
                r = re.search(r" rest=%s:(\d+) " % addr, line)
                self.rest_port = int(r.group(1)) if r else None
                a = re.search(r" admin=%s:(\d+) " % addr, line)
                self.admin_port = int(a.group(1)) if a else None
                if m:
                    found.append(int(m.group(1)))
                    break

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(60)
        if not found:
            self.kill()
            raise RuntimeError("metastore did not become ready within 60 s; stdout=%r\n"
                               "log tail:\n%s" % ("".join(lines), self.log_tail()))
        self.port = found[0]
        # drain stdout so the server never blocks on a full pipe
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def log_tail(self, n=40):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return "(no log)"

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def client(self, timeout=10.0, framed=None):
        return Client(self.port, framed=self.framed if framed is None else framed,
                      timeout=timeout, host=self.bind)

    def terminate(self, grace=15.0):
        """SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.proc.poll() is not None:
            self.exit_code = self.proc.returncode
            return self.exit_code
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.kill()
            self.exit_code = None
        return self.exit_code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()

    def stop_and_check(self):
        if self.proc.poll() is not None and self.exit_code is not None:
            return
        already = self.proc.poll()
        rc = self.terminate()
        self._log.close()
        assert already is None, "metastore died early (%s):\n%s" % (already, self.log_tail())
        assert rc == 0, "metastore exit code %r after SIGTERM; log tail:\n%s" % (
            rc, self.log_tail())


class Client:
    """ThriftHiveMetastore.Client over TSocket + buffered/framed transport."""

    def __init__(self, port, framed=False, timeout=10.0, host="127.0.0.1"):
        self.sock = TSocket.TSocket(host, port)
        self.sock.setTimeout(timeout * 1000)
        self.transport = (TTransport.TFramedTransport(self.sock) if framed
                          else TTransport.TBufferedTransport(self.sock))
        self.protocol = TBinaryProtocol.TBinaryProtocol(self.transport)
        self.client = ThriftHiveMetastore.Client(self.protocol)
        self.transport.open()

    def __getattr__(self, name):
        return getattr(self.client, name)

    def close(self):
        try:
            self.transport.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

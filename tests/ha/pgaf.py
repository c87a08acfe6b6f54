"""A pg_auto_failover formation for the failover tests: a monitor, a primary
and a synchronous standby, each a pg_autoctl keeper on 127.0.0.1 with its own
free port and temporary directory, run as the 'postgres' user when the tests
run as root (PostgreSQL refuses root), as the embedded PostgreSQL is.

Every keeper runs in the foreground of its own process group (pg_autoctl
create ... --run), so stopping the formation stops exactly what it started.
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from servers import IS_ROOT, clean_env, free_port, pg_bindir

# The monitor's timings, tightened so a failover fits a test: a node is
# unhealthy after 3 s without answers (pg_auto_failover's defaults: 20 s,
# checks every 5 s), and a primary that does not answer is taken as demoted
# after 5 s (default 30 s: until then the promoted standby stays read-only).
# These are the monitor's settings, not the nodes'.
MONITOR_SETTINGS = {
    "pgautofailover.primary_demote_timeout": "5000",
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "3000",
}


class Keeper:
    """One pg_autoctl process (the monitor or a node) and its PGDATA."""

    def __init__(self, formation, name, args):
        self.f = formation
        self.name = name
        self.pgdata = os.path.join(formation.root, name)
        self.port = free_port()
        self.log_path = os.path.join(formation.root, name + ".log")
        self.args = args
        self.proc = None

    def start(self):
        cmd = ["pg_autoctl", "create"] + self.args + [
            "--pgdata", self.pgdata, "--pgport", str(self.port), "--hostname", "127.0.0.1",
            "--pgctl", os.path.join(self.f.bindir, "pg_ctl"), "--auth", "trust", "--no-ssl",
            "--run"]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.f.root, env=self.f.env, start_new_session=True,
                                     **self.f.user_kw)

    def stop_immediately(self):
        """What the failover test does to the primary: the keeper and its
        PostgreSQL stop at once (immediate shutdown, no checkpoint)."""
        self.f.autoctl(["stop", "--immediate", "--pgdata", self.pgdata], check=False)
        self.wait_exit(30)

    def wait_exit(self, timeout):
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.f.autoctl(["stop", "--pgdata", self.pgdata], check=False)
            self.wait_exit(30)
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)   # postgres children left behind
            except ProcessLookupError:
                pass
            self.log.close()

    def log_tail(self, n=30):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-n:])


class Formation:
    """Monitor + two data nodes; conninfo(db) is the multi-host connection
    string the metastore servers use."""

    def __init__(self, dbname="metastore"):
        self.bindir = pg_bindir()
        self.dbname = dbname
        self.root = tempfile.mkdtemp(prefix="ms-ha-", dir="/tmp")
        self.user_kw = {}
        if IS_ROOT:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self.user_kw = {"user": "postgres", "group": pw.pw_gid, "extra_groups": []}
        os.chmod(self.root, 0o755)
        self.env = clean_env({"LC_ALL": "C", "HOME": self.root,
                              "XDG_CONFIG_HOME": os.path.join(self.root, "config"),
                              "XDG_DATA_HOME": os.path.join(self.root, "share"),
                              "XDG_RUNTIME_DIR": os.path.join(self.root, "run"),
                              "PG_CONFIG": os.path.join(self.bindir, "pg_config"),
                              "PATH": self.bindir + ":" + os.environ.get("PATH", "")})
        self.monitor = Keeper(self, "monitor", ["monitor"])
        self.nodes = []

    def autoctl(self, args, check=True, timeout=60):
        p = subprocess.run(["pg_autoctl"] + args, capture_output=True, text=True,
                           cwd=self.root, env=self.env, timeout=timeout, **self.user_kw)
        if check and p.returncode != 0:
            raise RuntimeError("pg_autoctl %s failed (%d):\n%s\n%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr))
        return p.stdout

    def psql(self, port, sql, db=None, check=True, timeout=20):
        p = subprocess.run([os.path.join(self.bindir, "psql"), "-h", "127.0.0.1", "-p",
                            str(port), "-U", "postgres", "-d", db or self.dbname, "-X",
                            "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                           capture_output=True, text=True, env=self.env, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("psql on port %d failed: %s" % (port, p.stderr))
        return p.stdout

    def monitor_uri(self):
        return "postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable" % (
            self.monitor.port)

    def wait(self, what, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if pred():
                    return
            except (RuntimeError, subprocess.SubprocessError):
                pass
            time.sleep(0.5)
        raise RuntimeError("pg_auto_failover: %s not reached within %d s\n%s" % (
            what, timeout, self.describe()))

    def states(self):
        """{node port: (reported state, goal state)} as the monitor sees them."""
        out = self.psql(self.monitor.port,
                        "select nodeport, reportedstate, goalstate from pgautofailover.node",
                        db="pg_auto_failover")
        res = {}
        for line in out.splitlines():
            port, reported, goal = line.split("|")
            res[int(port)] = (reported, goal)
        return res

    def describe(self):
        try:
            s = str(self.states())
        except Exception as e:     # the monitor may be the thing that is down
            s = "(monitor: %s)" % e
        return s + "\n" + "\n".join("== %s\n%s" % (k.name, k.log_tail())
                                    for k in [self.monitor] + self.nodes)

    def start(self):
        self.monitor.start()
        self.wait("monitor", lambda: self.psql(self.monitor.port, "select 1",
                                                db="pg_auto_failover") == "1\n", 90)
        for k, v in MONITOR_SETTINGS.items():
            self.psql(self.monitor.port, "alter system set %s = %s" % (k, v),
                      db="pg_auto_failover")
        self.psql(self.monitor.port, "select pg_reload_conf()", db="pg_auto_failover")
        for i in (1, 2):
            node = Keeper(self, "node%d" % i, ["postgres", "--dbname", self.dbname,
                                              "--name", "node%d" % i,
                                              "--monitor", self.monitor_uri()])
            self.nodes.append(node)
            node.start()
            want = "single" if i == 1 else "secondary"
            self.wait(node.name, lambda n=node, w=want: self.nudge()
                      and self.states().get(n.port) == (w, w), 180)
        self.wait("primary with a synchronous standby",
                  lambda: self.states().get(self.nodes[0].port) == ("primary", "primary")
                  and self.sync_standbys(self.nodes[0].port) != "", 60)
        return self

    def nudge(self):
        """pg_basebackup (how a standby starts) waits for a spread checkpoint
        on the primary: ask the primary for an immediate one, which hurries
        a spread checkpoint under way. Always TRUE."""
        if self.nodes and len(self.nodes) > 1:
            self.psql(self.nodes[0].port, "checkpoint", check=False)
        return True

    def sync_standbys(self, port):
        return self.psql(port, "show synchronous_standby_names").strip()

    def primary(self):
        for n in self.nodes:
            if self.states().get(n.port) == ("primary", "primary") or \
               self.states().get(n.port) == ("wait_primary", "wait_primary"):
                return n
        return None

    def conninfo(self, host="127.0.0.1", extra=""):
        """The multi-host connection string of the servers: every node, the
        writable one wanted."""
        hosts = ",".join(host for _ in self.nodes)
        ports = ",".join(str(n.port) for n in self.nodes)
        return ("host=%s port=%s user=postgres dbname=%s target_session_attrs=read-write%s"
                % (hosts, ports, self.dbname, " " + extra if extra else ""))

    def allow(self, address):
        """Let 'address' (a client outside 127.0.0.1) connect to every node."""
        for n in self.nodes:
            with open(os.path.join(n.pgdata, "pg_hba.conf"), "a") as f:
                f.write("host all postgres %s/32 trust\n" % address)
            self.psql(n.port, "select pg_reload_conf()")

    def stop(self):
        for k in reversed(self.nodes):
            k.stop()
        self.monitor.stop()
        shutil.rmtree(self.root, ignore_errors=True)

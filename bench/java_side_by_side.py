#!/usr/bin/python3
"""java_side_by_side.py: our metastore and the Java Hive Metastore, side by side.

One run, one PostgreSQL (the engines suite's throw-away cluster), one
machine. Starts the Java metastore 4.0.1 (tests/engines/java_hms.py: its
schematool, then HiveMetaStore on Java 17 with the JVM's own JIT and
collector and the heap given by --heap) and ours (the build in this
checkout), each on its own database of that cluster, and measures for each:

  - time from process start to serving (the first successful
    get_all_databases; ours on a fresh database and again on its schema);
  - RSS from /proc: idle after start, and under 256 concurrent Thrift
    connections each doing get_all_databases in a bounded loop (peak
    sampled during, and with all 256 still open at the end);
  - every operation of bench/hmsbench below: median, p99 and ops/s, and the
    ratio Java / ours. Hive's own benchmark tool is not on Maven Central
    (see the README), so bench/hmsbench, which speaks plain Thrift and is
    modelled on its operations, drives both servers. The groups alternate
    between the servers (Java, ours, Java, ours, ...), so load from other
    work on the machine falls on both alike.

Prints a Markdown table (also written to --out). Needs the engines cache
(tests/engines/fetch.py get java-hms fetches the set; the Java install is
unpacked from it once) and a Java 17 JDK under /usr/lib/jvm. Everything
listens on 127.0.0.1 on free ports and is stopped at the end.

    script/build && bench/java_side_by_side.py [--scale N] [--heap 1g]
"""
import argparse
import datetime
import glob
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
HMSBENCH = os.path.join(HERE, "hmsbench")


def engines_env():
    """The environment tests/engines/components.py reads, as
    script/test-engines sets it: the download cache, Java 17, a results
    folder for the Java server's configuration and logs."""
    if not os.environ.get("METASTORE_ENGINE_CACHE"):
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        os.environ["METASTORE_ENGINE_CACHE"] = os.path.join(base, "metastore", "engines")
    if not os.environ.get("METASTORE_JAVA17_HOME"):
        for d in ["/usr/lib/jvm/java-17-openjdk-amd64"] + glob.glob("/usr/lib/jvm/java-17-openjdk-*"):
            if os.access(os.path.join(d, "bin", "java"), os.X_OK):
                os.environ["METASTORE_JAVA17_HOME"] = d
                break
    results = tempfile.mkdtemp(prefix="metastore-javabench-")
    os.environ["METASTORE_ENGINE_RESULTS"] = results
    sys.path.insert(0, os.path.join(TOP, "tests", "engines"))
    return results


# (hmsbench operations, calls per operation as a fraction of --scale, what
# the README calls them); operations of one group run in one hmsbench
# process, in order (createTable then dropTable drop the same names)
GROUPS = [
    (["getDatabase", "listDatabases", "getTable", "getTableReq"], 1.0),
    (["createDropDatabase"], 0.1),
    (["createTable", "dropTable", "renameTable", "listTables.1000",
      "getTableObjectsByName.100", "getTableObjectsByNameReq.100", "lockUnlock"], 0.1),
    (["addPartitions.1000", "dropPartitions.1000"], 0.005),
    (["getPartitions.1000", "getPartitionNames.1000", "getPartitionsByNames.1000"], 0.025),
]
CONCURRENT = ["getDatabase"]   # 8 threads over 64 connections, 5 s
LABELS = {
    "getDatabase": "`get_database`",
    "listDatabases": "`get_all_databases`",
    "getTable": "`get_table`",
    "getTableReq": "`get_table_req`",
    "createDropDatabase": "`create_database` + `drop_database`",
    "createTable": "`create_table`",
    "dropTable": "`drop_table`",
    "renameTable": "`alter_table` (rename)",
    "listTables.1000": "`get_all_tables`, 1,000 tables",
    "getTableObjectsByName.100": "`get_table_objects_by_name`, 100 tables",
    "getTableObjectsByNameReq.100": "`get_table_objects_by_name_req`, 100 tables",
    "lockUnlock": "`lock` + `unlock`",
    "addPartitions.1000": "`add_partitions`, 1,000",
    "dropPartitions.1000": "`drop_partitions_req`, 1,000",
    "getPartitions.1000": "`get_partitions`, 1,000",
    "getPartitionNames.1000": "`get_partition_names`, 1,000",
    "getPartitionsByNames.1000": "`get_partitions_by_names`, 1,000",
}
LINE = re.compile(r"^(\S+)\s+threads=(\d+)\s+conns=(\d+)\s+calls=(\d+)\s+median=\s*([\d.]+)us"
                  r"\s+p99=\s*([\d.]+)us\s+ops/s=\s*([\d.]+)")


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS for pid %d" % pid)


class Side:
    """One server under test: its name, Thrift port, process id, the
    conninfo of its database (hmsbench ANALYZEs it after its setup) and the
    root of its partitions' locations (under its own warehouse)."""

    def __init__(self, name, port, pid, conninfo, part_root):
        self.name, self.port, self.pid = name, port, pid
        self.conninfo, self.part_root = conninfo, part_root
        self.results = {}     # (op, threads) -> (median us, p99 us, ops/s, calls)
        self.failed = {}      # (op, threads) -> the error hmsbench printed
        self.errors = []
        self.facts = {}

    def hmsbench(self, ops, count=None, threads=1, connections=1, seconds=None, log=None):
        args = [HMSBENCH, "--port", str(self.port), "--pg", self.conninfo,
                "--part-root", self.part_root, "--no-1m", "--threads", str(threads),
                "--connections", str(connections)]
        args += ["--seconds", str(seconds)] if seconds else ["--count", str(count)]
        p = subprocess.run(args + ops, capture_output=True, text=True, timeout=1800)
        if log:
            log.write("== %s: %s\n%s%s" % (self.name, " ".join(args + ops), p.stdout, p.stderr))
            log.flush()
        for line in p.stdout.splitlines():
            m = LINE.match(line)
            if m and int(m.group(4)) > 0:
                self.results[(m.group(1), threads)] = (float(m.group(5)), float(m.group(6)),
                                                      float(m.group(7)), int(m.group(4)))
        for line in p.stderr.splitlines():
            m = re.match(r"(\S+): thread \d+: (.*)", line)
            if m:
                self.failed[(m.group(1), threads)] = m.group(2)
        if p.returncode != 0 and not any(op in p.stderr for op in ops):
            self.errors.append("%s: %s" % (" ".join(ops), p.stderr.strip()[-500:]))

    def connections_load(self, n=256, calls=20):
        """RSS under n connections each doing 'calls' get_all_databases:
        (peak sampled during, RSS with all n open at the end)."""
        import servers
        ready = threading.Barrier(n + 1)
        done = threading.Barrier(n + 1)
        failures = []

        def client():
            c = None
            try:
                c = servers.Client(self.port, timeout=120)
                ready.wait(180)
                for _ in range(calls):
                    c.get_all_databases()
            except Exception as e:  # noqa: BLE001 (reported below)
                failures.append(repr(e))
                ready.abort()      # no waiting for a client that is gone
            finally:
                try:
                    done.wait(300)
                finally:
                    if c:
                        c.close()

        ts = [threading.Thread(target=client, daemon=True) for _ in range(n)]
        for t in ts:
            t.start()
        try:
            ready.wait(180)
        except threading.BrokenBarrierError:
            pass                   # a client failed: listed in the errors
        peak = rss_mb(self.pid)
        while sum(t.is_alive() for t in ts) and done.n_waiting < n:
            peak = max(peak, rss_mb(self.pid))
            time.sleep(0.05)
        at_end = rss_mb(self.pid)
        done.wait(300)
        for t in ts:
            t.join(60)
        if failures:
            self.errors.append("256 connections: %d failed, first %s" % (len(failures),
                                                                        failures[0]))
        return max(peak, at_end), at_end


def first_answer_seconds(port, t0, timeout=120):
    """Seconds from t0 until get_all_databases on 'port' first answers."""
    import servers
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with servers.Client(port, timeout=10) as c:
                c.get_all_databases()
            return time.monotonic() - t0
        except Exception:  # noqa: BLE001 (not serving yet)
            time.sleep(0.005)
    raise RuntimeError("no answer on port %d within %d s" % (port, timeout))


def start_ours(pg, tmp):
    """Our server on a fresh database: started once (it creates its schema),
    stopped, started again on that schema. Returns (server, fresh s, warm s)."""
    import servers
    db = pg.createdb()
    times = []
    srv = None
    for i in range(2):
        if srv:
            srv.stop_and_check()
        t0 = time.monotonic()
        srv = servers.Server(pg, db, os.path.join(tmp, "ours%d" % i),
                             warehouse="file://%s/wh" % tmp)
        times.append(first_answer_seconds(srv.port, t0))
    return srv, db, times[0], times[1]


def measure(sides, scale, log):
    for s in sides:
        time.sleep(2)
        s.facts["idle"] = rss_mb(s.pid)
    for s in sides:
        s.facts["peak256"], s.facts["open256"] = s.connections_load()
    # hmsbench's setup (1,256 create_table, partitioned tables) and a short
    # warm-up of the read calls, unmeasured
    for s in sides:
        s.hmsbench(["getDatabase", "getTableReq", "getPartitions.1000"], count=max(50, scale // 4),
                   log=log)
        s.results.clear()
        s.failed.clear()
    for ops, frac in GROUPS:
        for s in sides:
            s.hmsbench(ops, count=max(5, int(scale * frac)), log=log)
    for s in sides:
        s.hmsbench(CONCURRENT, threads=8, connections=64, seconds=5, log=log)
    for s in sides:
        s.facts["idle_after"] = rss_mb(s.pid)


def fmt_us(us):
    if us >= 100000:
        return "%.0f ms" % (us / 1000)
    if us >= 1000:
        return "%.2f ms" % (us / 1000) if us < 10000 else "%.1f ms" % (us / 1000)
    return "%.0f µs" % us


def fmt_rate(r):
    return "%.1f" % r if r < 100 else "{:,.0f}".format(r)


def not_measured(error):
    if error and "Invalid method name" in error:
        return "not served"
    return "failed: %s" % (error or "no result")[:80].replace("|", "/")


def report(java, ours, meta):
    out = ["Run of %s UTC; %s" % (meta["date"], meta["load"]), "",
           "| operation | clients | Java median | Java p99 | Java ops/s | ours median | ours p99 "
           "| ours ops/s | Java / ours (median) | ours / Java (ops/s) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    keys = [(op, 1) for ops, _ in GROUPS for op in ops] + [(op, 8) for op in CONCURRENT]
    for key in keys:
        j, o = java.results.get(key), ours.results.get(key)
        clients = "1 thread" if key[1] == 1 else "8 threads × 64 connections"
        cells = []
        for side, r in ((java, j), (ours, o)):
            cells += [fmt_us(r[0]), fmt_us(r[1]), fmt_rate(r[2])] if r else [
                not_measured(side.failed.get(key))] + [""] * 2
        ratio = "%.1f×" % (j[0] / o[0]) if j and o and o[0] else ""
        tput = "%.1f×" % (o[2] / j[2]) if j and o and j[2] else ""
        out.append("| %s | %s | %s | %s | %s |" % (LABELS[key[0]], clients, " | ".join(cells),
                                                  ratio, tput))
    jf, of = java.facts, ours.facts
    out += ["", "| resource | Java | ours | Java / ours |", "|---|---|---|---|"]
    for label, k in (("RSS idle, after start", "idle"),
                     ("RSS peak, 256 connections doing `get_all_databases`", "peak256"),
                     ("RSS with the 256 connections still open", "open256"),
                     ("RSS idle, after the whole run", "idle_after")):
        out.append("| %s | %.1f MB | %.1f MB | %.1f× |" % (label, jf[k], of[k], jf[k] / of[k]))
    out.append("| start to serving (first `get_all_databases`), schema in place | %.2f s | %.0f ms "
               "| %.0f× |" % (jf["serve"], of["warm"] * 1000, jf["serve"] / of["warm"]))
    out.append("| schema creation + start to serving, fresh database | %.1f s (schematool %.1f s) "
               "| %.0f ms | %.0f× |" % (jf["fresh"], jf["fresh"] - jf["serve"], of["fresh"] * 1000,
                                        jf["fresh"] / of["fresh"]))
    errors = ["%s: %s" % (s.name, e) for s in (java, ours) for e in s.errors]
    if errors:
        out += ["", "Errors:"] + ["- " + e for e in errors]
    return "\n".join(out) + "\n"


def load_text():
    with open("/proc/loadavg") as f:
        la = f.read().split()[:3]
    return "load average %s on %d cores (shared machine)" % (" ".join(la), os.cpu_count())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1000,
                    help="calls of the single-row reads; the other groups a fraction of it")
    ap.add_argument("--heap", default="1g", help="the Java server's -Xmx (default 1g)")
    ap.add_argument("--out", help="also write the Markdown table here")
    a = ap.parse_args()
    if not os.access(HMSBENCH, os.X_OK):
        sys.exit("no %s: run script/build first" % HMSBENCH)
    results = engines_env()
    import java_hms
    import servers
    tmp = tempfile.mkdtemp(prefix="metastore-javabench-run-")
    log_path = os.path.join(results, "hmsbench.log")
    meta = {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), "load": load_text()}
    print("logs in %s" % results, flush=True)
    with servers.pg_cluster() as pg, open(log_path, "w") as log:
        jh = ours = None
        try:
            jh = java_hms.JavaHms(pg, heap=a.heap, jvm_opts=(), poll=0.05)
            java = Side("java", jh.port, jh.proc.pid, pg.conninfo(jh.db),
                        jh.warehouse + "/hmsbench-parts")
            java.facts.update(serve=jh.serve_seconds, fresh=jh.start_seconds)
            srv, db, fresh, warm = start_ours(pg, tmp)
            ours = srv
            mine = Side("ours", srv.port, srv.proc.pid, pg.conninfo(db),
                        "file://%s/wh/hmsbench-parts" % tmp)
            mine.facts.update(fresh=fresh, warm=warm)
            print("java pid %d port %d, ours pid %d port %d; running" % (
                java.pid, java.port, mine.pid, mine.port), flush=True)
            measure([java, mine], a.scale, log)
            meta["load"] += "; at the end " + load_text().split(" on ")[0]
            meta["java"] = "Java metastore %s on Java 17, -Xmx%s" % (java_hms.VERSION, a.heap)
            text = "%s\n\n%s" % (meta["java"], report(java, mine, meta))
            print(text, flush=True)
            if a.out:
                with open(a.out, "w") as f:
                    f.write(text)
            return 1 if java.errors or mine.errors else 0
        finally:
            if ours:
                ours.terminate()
            if jh:
                jh.stop()
            subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())

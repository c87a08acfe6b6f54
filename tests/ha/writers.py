"""What the failover tests (tests/ha) share: writers that loop Thrift or
Iceberg REST writes against one server and record what was acknowledged
and every failure with its time; a catalog to write into; the set of what
a PostgreSQL node holds of it."""
import copy
import threading
import time

from conftest import unique
from hive_metastore import ttypes
from icelib import Rest, simple_schema, table_path
from partlib import make_table, new_part

PAUSE_AFTER_FAILURE_S = 0.05


class Writer(threading.Thread):
    """One loop of writes against one server. Subclasses define write(i),
    which returns the keys it wrote on success and raises on failure, and
    allowed(exc), which says whether a failure is an unavailable error."""

    def __init__(self, name):
        super().__init__(name=name, daemon=True)
        self.acked = set()
        self.events = []          # (monotonic time, True on success / the failure)
        self.stop_at = None
        self.lock = threading.Lock()

    def run(self):
        i = 0
        while self.stop_at is None or time.monotonic() < self.stop_at:
            i += 1
            try:
                keys = self.write(i)
            except Exception as e:   # noqa: BLE001  (every failure is recorded and judged)
                self.record(e)
                time.sleep(PAUSE_AFTER_FAILURE_S)
                continue
            with self.lock:
                self.acked.update(keys)
            self.record(True)

    def record(self, what):
        with self.lock:
            self.events.append((time.monotonic(), what))

    def failures(self):
        with self.lock:
            return [e for _, e in self.events if e is not True]

    def recovered_after(self, t):
        """The first success after the first failure after t: (first failure,
        next success), None when no failure, or (failure, None) while down."""
        with self.lock:
            events = [(when, e) for when, e in self.events if when >= t]
        first_fail = next((when for when, e in events if e is not True), None)
        if first_fail is None:
            return None
        ok = next((when for when, e in events if when > first_fail and e is True), None)
        return first_fail, ok

    def failures_after(self, t):
        with self.lock:
            return [e for when, e in self.events if when > t and e is not True]

    def succeeded_since(self, t):
        with self.lock:
            return any(when >= t and e is True for when, e in self.events)


class ThriftWriter(Writer):
    """create_table db.<prefix>_<i> with two partition keys, then
    add_partitions of two partitions; each acknowledged call is one key."""

    def __init__(self, server, db, template, prefix):
        super().__init__("thrift-" + prefix)
        self.server, self.db, self.template, self.prefix = server, db, template, prefix
        self.client = None
        self.pending = None       # a table created whose partitions are not added yet

    def write(self, i):
        if self.client is None:
            self.client = self.server.client(timeout=30)
        try:
            if self.pending is None:
                name = "%s_%d" % (self.prefix, i)
                sd = copy.deepcopy(self.template.sd)
                sd.location = None
                t = ttypes.Table(tableName=name, dbName=self.db, owner="ha", sd=sd,
                                 partitionKeys=self.template.partitionKeys,
                                 parameters={}, tableType="MANAGED_TABLE")
                self.client.create_table(t)
                self.pending = t
                return {("table", name)}
            t, self.pending = self.pending, None   # not retried: its outcome may be unknown
            parts = [new_part(t, ["2024-01-01", str(h)], db=self.db, name=t.tableName)
                     for h in (1, 2)]
            self.client.add_partitions(parts)
            return {("partition", t.tableName, "ds=2024-01-01/hr=%d" % h) for h in (1, 2)}
        except ttypes.MetaException:
            raise
        except Exception:
            # anything but an answered exception: start on a new connection
            self.client.close()
            self.client = None
            raise

    @staticmethod
    def allowed(e):
        return isinstance(e, ttypes.MetaException)


class RestWriter(Writer):
    """Iceberg commits setting property p<i> on one table through the REST
    door; each acknowledged commit is one key."""

    def __init__(self, server, ns, table):
        super().__init__("rest-" + table)
        self.rest = Rest(server.rest_port, host=server.bind)
        self.ns, self.table = ns, table

    def write(self, i):
        body = {"requirements": [], "updates": [
            {"action": "set-properties", "updates": {"p%s" % i: str(i)}}]}
        status, doc = self.rest.call("POST", table_path(self.ns, self.table), body=body)
        if status != 200:
            raise RestFailure(status, doc)
        return {("property", self.table, "p%s" % i)}

    @staticmethod
    def allowed(e):
        # 503: unavailable; 500 CommitStateUnknownException: the commit's
        # outcome is not known (the connection broke at COMMIT)
        if not isinstance(e, RestFailure):
            return False
        kind = (e.doc or {}).get("error", {}).get("type") if isinstance(e.doc, dict) else None
        return e.status == 503 or (e.status == 500 and kind == "CommitStateUnknownException")


class RestFailure(Exception):
    def __init__(self, status, doc):
        super().__init__("%s %r" % (status, doc))
        self.status, self.doc = status, doc


class FormationAsPg:
    """What servers.Server asks of a PostgreSQL: the connection string (the
    nodes reached at 'host', with 'extra' conninfo settings)."""

    def __init__(self, formation, host="127.0.0.1", extra=""):
        self.formation, self.host, self.extra = formation, host, extra

    def conninfo(self, db):
        return self.formation.conninfo(self.host, self.extra)


def sql_set(formation, port, sql):
    return set(tuple(line.split("|")) for line in formation.psql(port, sql).splitlines())


class Catalog:
    """A database with a partitioned template table (Thrift) and a namespace
    with one Iceberg table per REST writer, made through 'server'."""

    def __init__(self, server, iceberg_tables):
        with server.client() as c:
            self.db = unique("ha")
            c.create_database(ttypes.Database(name=self.db, parameters={}))
            self.template = make_table(c, self.db, "template")
        rest = Rest(server.rest_port, host=server.bind)
        self.ns = unique("ha_ns")
        self.iceberg_tables = list(iceberg_tables)
        assert rest.call("POST", "/v1/namespaces", body={"namespace": [self.ns]})[0] == 200
        for t in self.iceberg_tables:
            status, doc = rest.call("POST", table_path(self.ns), body={
                "name": t, "schema": simple_schema()})
            assert status == 200, (status, doc)

    def thrift_writer(self, server, prefix):
        return ThriftWriter(server, self.db, self.template, prefix)

    def rest_writer(self, server, table):
        assert table in self.iceberg_tables
        return RestWriter(server, self.ns, table)

    def held(self, formation, port, server):
        """What node 'port' holds of the catalog, as writer keys: tables and
        partitions read there with SQL, Iceberg properties from the metadata
        file it points at (read through 'server', checked against the node)."""
        held = sql_set(formation, port,
                       "select 'table', t.name from ms_tables t join ms_databases d "
                       "using (db_id) where d.name = '%s'" % self.db)
        held |= sql_set(formation, port,
                        "select 'partition', t.name, p.part_name from ms_partitions p "
                        "join ms_tables t using (table_id) join ms_databases d using (db_id) "
                        "where d.name = '%s'" % self.db)
        for table in self.iceberg_tables:
            status, doc = Rest(server.rest_port, host=server.bind).call(
                "GET", table_path(self.ns, table))
            assert status == 200, (status, doc)
            held |= {("property", table, k) for k in doc["metadata"].get("properties", {})}
            location = formation.psql(port, "select t.params->>'metadata_location' from "
                                      "ms_tables t join ms_databases d using (db_id) where "
                                      "d.name = '%s' and t.name = '%s'" % (self.ns, table))
            assert location.strip() == doc["metadata-location"], (location,
                                                                   doc["metadata-location"])
        return held


def assert_all_held(named_acks, held):
    for name, acked in named_acks:
        missing = acked - held
        assert not missing, "%s: acknowledged but not on the primary: %r" % (
            name, sorted(missing)[:10])


def stop_writers(writers, after_s):
    stop_at = time.monotonic() + after_s
    for w in writers:
        w.stop_at = stop_at
    for w in writers:
        w.join(60)

"""What every call answers while PostgreSQL cannot be reached (issue 12,
defect 7): the protocol's own "unavailable" error (a MetaException through
Thrift, 503 through REST) that clients retry, never an answer about the
catalog ("database ... does not exist", "source table not found") that
they would take at its word; and no reply names PostgreSQL's socket
directory or host.
"""
import shutil
import tempfile

import pytest

from conftest import Server, pg_cluster, unique
from hive_metastore import ttypes
from thrift.Thrift import TApplicationException
from icelib import Rest
from partlib import add, make_db, make_table
from test_ops import admin_port, http

# what a client may take at its word: never the answer to an outage
CATALOG_ANSWERS = (ttypes.NoSuchObjectException, ttypes.InvalidObjectException,
                   ttypes.AlreadyExistsException, ttypes.InvalidOperationException)


@pytest.fixture(scope="module")
def outage():
    with pg_cluster() as own_pg:
        tmp = tempfile.mkdtemp(prefix="ms-e2e-outage-", dir="/tmp")
        srv = Server(own_pg, own_pg.createdb(), tmp, sets=["database.connect_timeout_s=1", "admin.port=0",
                                                           "database.pool_wait_ms=1000"])
        c = srv.client()
        db = make_db(c, "outage")
        src = make_table(c, db, "src")
        make_table(c, db, "dst")
        add(c, src, ["2024-01-01", "1"])
        rest = Rest(srv.rest_port)
        assert rest.call("GET", "/v1/namespaces/" + db)[0] == 200
        own_pg.pause()
        try:
            yield srv, c, db, src, rest, own_pg.sockdir
        finally:
            c.close()
            own_pg.resume()
            srv.stop_and_check()
            shutil.rmtree(tmp, ignore_errors=True)


NO_META_EXCEPTION = {"lock"}


def thrift_calls(db, src):
    part = ttypes.Partition(values=["2024-01-02", "2"], dbName=db, tableName="src", sd=src.sd,
                            parameters={})
    fresh = ttypes.Table(tableName=unique("t"), dbName=db, sd=src.sd, partitionKeys=[],
                         parameters={}, tableType="MANAGED_TABLE")
    return {
        "get_database": lambda c: c.get_database(db),
        "get_all_databases": lambda c: c.get_all_databases(),
        "create_database": lambda c: c.create_database(ttypes.Database(name=unique("d"),
                                                                       parameters={})),
        "drop_database": lambda c: c.drop_database(db, False, False),
        "get_table": lambda c: c.get_table(db, "src"),
        "get_tables": lambda c: c.get_tables(db, "*"),
        "create_table": lambda c: c.create_table(fresh),
        "alter_table": lambda c: c.alter_table(db, "src", src),
        "drop_table": lambda c: c.drop_table(db, "dst", False),
        "add_partition": lambda c: c.add_partition(part),
        "get_partitions": lambda c: c.get_partitions(db, "src", -1),
        "get_partitions_by_filter": lambda c: c.get_partitions_by_filter(db, "src", "hr = 1", -1),
        "get_partition_names": lambda c: c.get_partition_names(db, "src", -1),
        "drop_partition": lambda c: c.drop_partition(db, "src", ["2024-01-01", "1"], False),
        "exchange_partition": lambda c: c.exchange_partition({"ds": "2024-01-01", "hr": "1"},
                                                             db, "src", db, "dst"),
        "get_functions": lambda c: c.get_functions(db, "*"),
        "lock": lambda c: c.lock(ttypes.LockRequest(
            component=[ttypes.LockComponent(type=ttypes.LockType.SHARED_READ,
                                            level=ttypes.LockLevel.TABLE, dbname=db,
                                            tablename="src")], user="u", hostname="h")),
    }


def test_thrift_calls_answer_unavailable(outage):
    srv, c, db, src, _, sockdir = outage
    wrong = []
    for name, call in thrift_calls(db, src).items():
        try:
            call(c)
            wrong.append("%s: succeeded with PostgreSQL down" % name)
        except CATALOG_ANSWERS as e:
            wrong.append("%s: %s %s" % (name, type(e).__name__, e))
        except (ttypes.MetaException, TApplicationException) as e:
            # lock declares no MetaException: there, as in Java, the
            # outage can only be a TApplicationException (which Hive's
            # retrying client retries)
            want = TApplicationException if name in NO_META_EXCEPTION else ttypes.MetaException
            text = str(getattr(e, "message", e))
            if not isinstance(e, want):
                wrong.append("%s: %s %s" % (name, type(e).__name__, text))
            elif sockdir in text or "unavailable" not in text:
                wrong.append("%s: %s" % (name, text))
    assert not wrong, "\n".join(wrong)


def test_rest_calls_answer_503(outage):
    srv, _, db, _, rest, sockdir = outage
    calls = [("GET", "/v1/namespaces", None), ("GET", "/v1/namespaces/" + db, None),
             ("HEAD", "/v1/namespaces/" + db, None),
             ("GET", "/v1/namespaces/%s/tables" % db, None),
             ("GET", "/v1/namespaces/%s/tables/src" % db, None),
             ("POST", "/v1/namespaces", {"namespace": [unique("n")]}),
             ("DELETE", "/v1/namespaces/" + db, None)]
    wrong = []
    for method, path, body in calls:
        status, doc = rest.call(method, path, body)
        if status != 503:
            wrong.append("%s %s: %s %s" % (method, path, status, doc))
        elif doc and sockdir in str(doc):
            wrong.append("%s %s: names the socket directory: %s" % (method, path, doc))
    assert not wrong, "\n".join(wrong)


def test_readyz_says_not_ready_without_naming_postgres(outage):
    srv, _, _, _, _, sockdir = outage
    status, _, body = http(admin_port(srv), "GET", "/readyz")
    assert status == 503, (status, body)
    assert "not ready" in body and sockdir not in body and ".s.PGSQL" not in body, body

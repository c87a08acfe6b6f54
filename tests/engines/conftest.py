"""Fixtures of the real-engines suite (run by script/test-engines).

One PostgreSQL, one MinIO and one metastore (the sanitizer build) serve the
whole session, as one catalog shared by every engine, the way a cluster
runs them: what Spark writes, Trino and PyIceberg read. The metastore must
exit 0 at the end (no leak, no sanitizer finding); that check fails the
session's last test if it does not.

Every test says which engine, version and catalog it exercised and what it
ran (`tag`), and records its logs, for summary.py's table and failure list.
"""
import pytest

import components
import servers


@pytest.fixture(scope="session")
def pg():
    with servers.pg_cluster() as c:
        yield c


@pytest.fixture(scope="session")
def minio():
    components.opted_out("minio")
    m = components.MinIO()
    m.make_bucket("warehouse")
    yield m
    m.stop()


@pytest.fixture(scope="session")
def metastore(pg, minio):
    ms = components.Metastore(pg, minio)
    yield ms
    ms.stop_and_check()


@pytest.fixture
def thrift(metastore):
    c = metastore.client()
    yield c
    c.close()


@pytest.fixture(scope="session")
def spark(metastore, minio):
    return components.Spark(metastore, minio)


@pytest.fixture(scope="session")
def trino(metastore, minio):
    import trino_server
    t = trino_server.Trino(metastore, minio)
    yield t
    t.stop()


@pytest.fixture
def tag(record_property):
    """tag(engine, version, catalog, what, *logs): label this test's row."""
    def _tag(engine, version, catalog, what, *logs):
        record_property("engine", engine)
        record_property("version", version)
        record_property("catalog", catalog)
        record_property("what", what)
        for i, log in enumerate(logs):
            record_property("log%d" % i, log)
    return _tag

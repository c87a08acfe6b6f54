"""End-to-end fixtures: a real PostgreSQL cluster and real metastore servers.

Everything here drives the built binary ($METASTORE_BIN) and the generated
Python Thrift client (gen-py on PYTHONPATH); the processes themselves are
servers.py's.
"""
import shutil
import tempfile

import pytest

from servers import (  # noqa: F401  (re-exported for the test modules)
    IS_ROOT, METASTORE_BIN, TOP, Client, PgCluster, Server, clean_env, free_port,
    pg_bindir, pg_cluster, run_metastore, unique)


@pytest.fixture(scope="session")
def pg():
    with pg_cluster() as c:
        yield c


@pytest.fixture
def metastore_factory(pg, tmp_path_factory):
    """start(sets=(), framed=False, pg=None, db=None, env=None) -> Server.

    Every server is stopped with SIGTERM at the end and must exit 0."""
    servers = []

    def start(sets=(), framed=False, pg_=None, db=None, env=None, check_exit=True):
        cluster = pg_ or pg
        dbname = db or cluster.createdb()
        sets = list(sets)
        if framed and not any(s.startswith("server.thrift_transport=") for s in sets):
            sets.append("server.thrift_transport=framed")
        tmp = tempfile.mkdtemp(prefix="ms-e2e-", dir="/tmp")
        srv = Server(cluster, dbname, tmp, sets=sets, framed=framed, env=env)
        srv.check_exit = check_exit
        servers.append(srv)
        return srv

    yield start
    errors = []
    for s in servers:
        try:
            if s.check_exit:
                s.stop_and_check()
            else:
                s.terminate()
                s.kill()
        except AssertionError as e:
            errors.append(str(e))
        finally:
            shutil.rmtree(s.tmp, ignore_errors=True)
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="module")
def server(pg):
    """A metastore shared by the tests of one module (each uses unique names)."""
    tmp = tempfile.mkdtemp(prefix="ms-e2e-shared-", dir="/tmp")
    srv = Server(pg, pg.createdb(), tmp)
    yield srv
    try:
        srv.stop_and_check()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def client(server):
    c = server.client()
    yield c
    c.close()

"""Connection handshake, configuration lookups and fb303 methods."""
import time

import pytest

from hive_metastore import ttypes
from hive_metastore.ttypes import fb_status


def test_set_ugi(client):
    assert client.set_ugi("alice", ["g"]) == ["g", "alice"]


def test_get_config_value(server, client):
    assert client.get_config_value("hive.metastore.warehouse.dir", "x") == server.warehouse
    with pytest.raises(ttypes.ConfigValSecurityException):
        client.get_config_value("javax.jdo.option.ConnectionPassword", "d")
    assert client.get_config_value("hive.e2e.no.such.key", "dflt") == "dflt"


def test_meta_conf_is_per_connection(server, client):
    assert client.getMetaConf("metastore.try.direct.sql") == "true"
    client.setMetaConf("metastore.try.direct.sql", "false")
    assert client.getMetaConf("metastore.try.direct.sql") == "false"
    with server.client() as other:
        assert other.getMetaConf("metastore.try.direct.sql") == "true"
    assert client.getMetaConf("metastore.try.direct.sql") == "false"


def test_meta_conf_unknown_key(client):
    with pytest.raises(ttypes.MetaException):
        client.getMetaConf("bogus")
    # the connection is still usable
    assert client.getMetaConf("metastore.try.direct.sql") == "true"


def test_fb303(client):
    assert client.getName()
    assert client.getVersion()
    assert client.getStatus() == fb_status.ALIVE
    since = client.aliveSince()
    assert 0 < since <= int(time.time()) + 5
    counters = client.getCounters()
    assert "thrift.calls" in counters
    assert counters["thrift.calls"] > 0


def test_shutdown_is_ignored(server, client):
    client.shutdown()  # oneway
    time.sleep(0.3)
    assert server.proc.poll() is None
    assert client.getStatus() == fb_status.ALIVE
    with server.client() as c2:
        assert "default" in c2.get_all_databases()


def test_get_all_functions(client):
    r = client.get_all_functions()
    assert isinstance(r, ttypes.GetAllFunctionsResponse)
    assert not r.functions

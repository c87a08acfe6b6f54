"""Connection handshake and fb303 methods: what takes more than a call and
its reply. set_ugi, get_config_value, an unknown getMetaConf key and
get_all_functions are cases in tests/data/thrift (test_data_cases.py)."""
import time

from hive_metastore.ttypes import fb_status


def test_meta_conf_is_per_connection(server, client):
    assert client.getMetaConf("metastore.try.direct.sql") == "true"
    client.setMetaConf("metastore.try.direct.sql", "false")
    assert client.getMetaConf("metastore.try.direct.sql") == "false"
    with server.client() as other:
        assert other.getMetaConf("metastore.try.direct.sql") == "true"
    assert client.getMetaConf("metastore.try.direct.sql") == "false"


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

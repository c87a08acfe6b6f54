"""Operability (issue 6): /healthz, /readyz and /metrics on the REST port and
on the admin listener (admin.port), request ids in log lines and in the
X-Request-Id header, JSON log lines, and the log level reloaded on SIGHUP.
/metrics is parsed with a small Prometheus text-format parser."""
import http.client as httpclient
import json
import os
import re
import signal
import time

import pytest

from conftest import pg_cluster, unique
from hive_metastore import ttypes
from hive_metastore.ttypes import Database


def http(port, method, path, headers=None, body=None):
    c = httpclient.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read().decode()
    finally:
        c.close()


def admin_port(srv):
    with open(srv.log_path) as f:
        text = f.read()
    m = re.search(r"admin endpoints \(/healthz, /readyz, /metrics\) listening on \S+ port (\d+)",
                  text)
    assert m, text
    return int(m.group(1))


# ---- a small Prometheus text parser ----

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse_metrics(text):
    """-> (types {family: type}, samples [(name, {label: value}, float)])."""
    types, samples = {}, []
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ", 3)
            assert name not in types, "family declared twice: " + name
            types[name] = typ
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "bad sample line: %r" % line
        labels = {}
        raw = m.group(3) or ""
        pos = 0
        while pos < len(raw):
            lm = LABEL.match(raw, pos)
            assert lm, "bad labels: %r" % raw
            labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\\\", "\\")
            pos = lm.end()
        samples.append((m.group(1), labels, float(m.group(4))))
    for name, _, _ in samples:
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or base in types, "sample of undeclared family: " + name
    return types, samples


def value(samples, name, **labels):
    found = [v for n, l, v in samples if n == name and all(l.get(k) == x for k, x in labels.items())]
    return sum(found) if found else 0.0


def check_histograms(types, samples):
    for fam, typ in types.items():
        if typ != "histogram":
            continue
        series = {}
        for n, l, v in samples:
            if n == fam + "_bucket":
                key = tuple(sorted((k, x) for k, x in l.items() if k != "le"))
                series.setdefault(key, []).append((l["le"], v))
        for key, buckets in series.items():
            les = [float("inf") if le == "+Inf" else float(le) for le, _ in buckets]
            assert les == sorted(les) and les[-1] == float("inf"), (fam, key)
            counts = [v for _, v in buckets]
            assert counts == sorted(counts), "buckets not monotonic: %s %s" % (fam, key)
            count = value(samples, fam + "_count", **dict(key))
            assert counts[-1] == count, (fam, key)


def scrape(port, headers=None):
    st, hdrs, body = http(port, "GET", "/metrics", headers)
    assert st == 200, body
    assert hdrs["content-type"].startswith("text/plain; version=0.0.4")
    types, samples = parse_metrics(body)
    check_histograms(types, samples)
    return types, samples


# ---- health ----

def test_healthz_readyz_on_rest_port(server):
    st, hdrs, body = http(server.rest_port, "GET", "/healthz")
    assert (st, body) == (200, "ok\n")
    assert "x-request-id" in hdrs
    st, _, body = http(server.rest_port, "GET", "/readyz")
    assert (st, body) == (200, "ready\n")
    st, _, _ = http(server.rest_port, "HEAD", "/healthz")
    assert st == 200
    st, _, _ = http(server.rest_port, "POST", "/healthz", body="x")
    assert st == 405


def test_readyz_503_when_postgres_is_down(metastore_factory):
    with pg_cluster() as own_pg:
        srv = metastore_factory(pg_=own_pg, sets=["database.connect_timeout_s=2",
                                                  "database.pool_wait_ms=500",
                                                  "admin.port=0"])
        port = admin_port(srv)
        assert http(port, "GET", "/readyz")[0] == 200
        own_pg._run([own_pg.bin("pg_ctl"), "-D", own_pg.datadir, "-w", "-m", "immediate",
                     "stop"], check=False)
        st, _, body = http(port, "GET", "/readyz")
        assert st == 503 and body.startswith("not ready: PostgreSQL"), body
        st, _, body = http(srv.rest_port, "GET", "/readyz")
        assert st == 503, body
        # the process is alive all the same
        assert http(port, "GET", "/healthz")[:1] == (200,)
        own_pg._pg_ctl_start()
        for _ in range(50):
            if http(port, "GET", "/readyz")[0] == 200:
                break
            time.sleep(0.2)
        assert http(port, "GET", "/readyz")[0] == 200


def test_readyz_503_on_schema_version(metastore_factory, pg):
    db = pg.createdb()
    srv = metastore_factory(db=db, sets=["admin.port=0"])
    port = admin_port(srv)
    pg.psql(db, "INSERT INTO ms_schema_version (version, name) VALUES (9999, 'future')")
    st, _, body = http(port, "GET", "/readyz")
    assert st == 503 and "schema version 9999" in body, body
    pg.psql(db, "DELETE FROM ms_schema_version WHERE version = 9999")
    assert http(port, "GET", "/readyz")[0] == 200


def test_admin_port_with_rest_auth_on(metastore_factory):
    srv = metastore_factory(sets=["rest.auth=oauth", "rest.oauth.clients=a:b",
                                  "rest.oauth.token_secret=0123456789abcdef0123456789abcdef-ops",
                                  "admin.port=0"])
    port = admin_port(srv)
    assert http(port, "GET", "/healthz")[:1] == (200,)
    assert http(port, "GET", "/readyz")[:1] == (200,)
    scrape(port)
    assert http(port, "GET", "/v1/config")[0] == 404
    # on the REST port: health without a token, metrics and routes need one
    assert http(srv.rest_port, "GET", "/healthz")[0] == 200
    assert http(srv.rest_port, "GET", "/readyz")[0] == 200
    assert http(srv.rest_port, "GET", "/metrics")[0] == 401
    assert http(srv.rest_port, "GET", "/v1/config")[0] == 401
    st, _, body = http(srv.rest_port, "POST", "/v1/oauth/tokens",
                       {"Content-Type": "application/x-www-form-urlencoded"},
                       "grant_type=client_credentials&client_id=a&client_secret=b&scope=catalog")
    assert st == 200, body
    token = json.loads(body)["access_token"]
    scrape(srv.rest_port, {"Authorization": "Bearer " + token})
    # the secret never reaches the log
    assert "client_secret" not in srv.log_text() and token not in srv.log_text()


def test_admin_port_without_rest(metastore_factory):
    srv = metastore_factory(sets=["rest.port=-1", "admin.port=0"])
    assert srv.rest_port is None
    port = admin_port(srv)
    assert http(port, "GET", "/healthz")[:1] == (200,)
    types, samples = scrape(port)
    assert "metastore_rest_open_connections" not in types


# ---- metrics ----

def test_metrics_count_thrift_and_rest(metastore_factory):
    srv = metastore_factory(sets=["admin.port=0"])
    port = admin_port(srv)
    types, before = scrape(port)
    assert types["metastore_thrift_request_duration_seconds"] == "histogram"
    assert types["metastore_rest_request_duration_seconds"] == "histogram"
    assert types["metastore_thrift_errors_total"] == "counter"
    assert types["metastore_db_pool_in_use"] == "gauge"
    assert value(before, "metastore_build_info") == 1
    build = [l for n, l, _ in before if n == "metastore_build_info"][0]
    assert re.match(r"\d+\.\d+", build["version"])
    start = value(before, "metastore_process_start_time_seconds")
    assert abs(start - time.time()) < 3600
    # getrusage's total of every thread, in seconds with microseconds
    assert types["metastore_process_cpu_seconds_total"] == "counter"
    cpu = value(before, "metastore_process_cpu_seconds_total")
    assert 0 < cpu < 3600
    for g in ("metastore_db_pool_size", "metastore_db_pool_open", "metastore_db_pool_in_use",
              "metastore_db_pool_waiting", "metastore_thrift_open_connections",
              "metastore_rest_open_connections"):
        assert g in types, g
    assert value(before, "metastore_db_pool_size") >= 1
    assert value(before, "metastore_db_pool_in_use") == 0

    name = unique("opsdb")
    with srv.client() as c:
        c.create_database(Database(name=name, description="", locationUri=None,
                                   parameters={}))
        c.get_database(name)
        c.get_database(name)
        with pytest.raises(ttypes.NoSuchObjectException):
            c.get_database(unique("missing"))
        with pytest.raises(ttypes.NoSuchObjectException):
            c.get_table(name, "nope")
        _, during = scrape(port)
        assert value(during, "metastore_thrift_open_connections") >= 1
    st, _, _ = http(srv.rest_port, "GET", "/v1/namespaces/" + name)
    assert st == 200
    st, _, _ = http(srv.rest_port, "GET", "/v1/namespaces/" + unique("gone"))
    assert st == 404
    http(srv.rest_port, "GET", "/v1/config")

    _, after = scrape(port)
    h = "metastore_thrift_request_duration_seconds_count"
    assert value(after, h, method="get_database") - value(before, h, method="get_database") == 3
    assert value(after, h, method="create_database") == 1
    assert value(after, h, method="get_table") == 1
    e = "metastore_thrift_errors_total"
    assert value(after, e, method="get_database", exception="NoSuchObjectException") == 1
    assert value(after, e, method="get_table", exception="NoSuchObjectException") == 1
    assert value(after, e, method="create_database") == 0
    route = "/v1/{prefix}/namespaces/{namespace}"
    r = "metastore_rest_responses_total"
    assert value(after, r, method="GET", route=route, code="200") == 1
    assert value(after, r, method="GET", route=route, code="404") == 1
    assert value(after, r, method="GET", route="/v1/config", code="200") == 1
    assert value(after, "metastore_rest_request_duration_seconds_count", method="GET",
                 route=route) == 2
    # raw paths never become labels
    assert not [l for n, l, _ in after if name in json.dumps(l)]
    assert value(after, "metastore_db_pool_open") >= 1


def test_metrics_unknown_thrift_method(metastore_factory):
    srv = metastore_factory(sets=["admin.port=0"])
    port = admin_port(srv)
    with srv.client() as c:
        c._oprot.writeMessageBegin("no_such_method_" + unique("m"), 1, 1)
        ttypes.Database().write(c._oprot)
        c._oprot.writeMessageEnd()
        c._oprot.trans.flush()
        c._iprot.readMessageBegin()
    # the call is counted once its reply is written: the client may read the
    # reply first, so look again for a bounded while
    for _ in range(100):
        _, s = scrape(port)
        if value(s, "metastore_thrift_errors_total", method="unknown",
                 exception="TApplicationException") == 1:
            break
        time.sleep(0.02)
    assert value(s, "metastore_thrift_errors_total", method="unknown",
                 exception="TApplicationException") == 1
    assert not [l for n, l, _ in s if l.get("method", "").startswith("no_such_method_")]


def test_iceberg_commit_metrics(metastore_factory):
    srv = metastore_factory(sets=["admin.port=0"])
    port = admin_port(srv)
    ns = unique("icens")
    body = json.dumps({"namespace": [ns]})
    assert http(srv.rest_port, "POST", "/v1/namespaces",
                {"Content-Type": "application/json"}, body)[0] == 200
    schema = {"type": "struct", "schema-id": 0,
              "fields": [{"id": 1, "name": "id", "type": "long", "required": True}]}
    st, _, b = http(srv.rest_port, "POST", "/v1/namespaces/%s/tables" % ns,
                    {"Content-Type": "application/json"},
                    json.dumps({"name": "t", "schema": schema}))
    assert st == 200, b
    path = "/v1/namespaces/%s/tables/t" % ns
    ok = {"requirements": [], "updates": [{"action": "set-properties",
                                           "updates": {"k": "v"}}]}
    assert http(srv.rest_port, "POST", path, {"Content-Type": "application/json"},
                json.dumps(ok))[0] == 200
    bad = {"requirements": [{"type": "assert-table-uuid", "uuid": "00000000-0000-0000-0000-000000000000"}],
           "updates": []}
    st, _, b = http(srv.rest_port, "POST", path, {"Content-Type": "application/json"},
                    json.dumps(bad))
    assert st == 409, b
    _, s = scrape(port)
    assert value(s, "metastore_iceberg_commits_total") == 1
    assert value(s, "metastore_iceberg_commit_conflicts_total") == 1
    assert value(s, "metastore_rest_responses_total", method="POST",
                 route="/v1/{prefix}/namespaces/{namespace}/tables/{table}", code="409") == 1


# ---- request ids and logs ----

def test_request_id_echo_and_generated(server):
    st, hdrs, _ = http(server.rest_port, "GET", "/v1/config", {"X-Request-Id": "abc-123.x"})
    assert st == 200 and hdrs["x-request-id"] == "abc-123.x"
    st, h1, _ = http(server.rest_port, "GET", "/v1/config")
    st, h2, _ = http(server.rest_port, "GET", "/v1/config")
    assert h1["x-request-id"] and h1["x-request-id"] != h2["x-request-id"]
    # an unusable one (spaces, too long) is replaced
    st, h3, _ = http(server.rest_port, "GET", "/v1/config", {"X-Request-Id": "a b"})
    assert h3["x-request-id"] != "a b"
    st, h4, _ = http(server.rest_port, "GET", "/v1/config", {"X-Request-Id": "x" * 200})
    assert h4["x-request-id"] != "x" * 200
    # error replies carry it too
    st, h5, _ = http(server.rest_port, "GET", "/v1/nowhere/at/all/here", {"X-Request-Id": "e1"})
    assert st == 404 and h5["x-request-id"] == "e1"


def test_json_log_lines_carry_request_ids(metastore_factory):
    srv = metastore_factory(sets=["log.format=json", "log.level=debug"])
    with srv.client() as c:
        with pytest.raises(ttypes.NoSuchObjectException):
            c.get_database(unique("missing"))
    http(srv.rest_port, "GET", "/v1/config", {"X-Request-Id": "json-req-77"})
    time.sleep(0.2)
    lines = [l for l in srv.log_text().splitlines() if l.strip()]
    docs = [json.loads(l) for l in lines]   # every line is JSON
    for d in docs:
        assert {"ts", "level", "msg"} <= set(d)
    rest = [d for d in docs if d.get("request_id") == "json-req-77"]
    assert rest and any("GET /v1/config -> 200" in d["msg"] for d in rest), lines[-10:]
    thrift = [d for d in docs if "get_database took" in d["msg"]]
    assert thrift and re.match(r"c\d+\.\d+$", thrift[0]["request_id"])
    assert "NoSuchObjectException" in thrift[0]["msg"]


def test_sighup_reloads_log_level(metastore_factory, tmp_path):
    conf = tmp_path / "metastore.conf"
    conf.write_text("[log]\nlevel = info\n")
    srv = metastore_factory(env={"METASTORE_CONFIG": str(conf)})
    with srv.client() as c:
        c.get_all_databases()
    time.sleep(0.2)
    assert "get_all_databases took" not in srv.log_text()
    conf.write_text("[log]\nlevel = debug\n")
    srv.proc.send_signal(signal.SIGHUP)
    for _ in range(50):
        if "SIGHUP: log level is now debug" in srv.log_text():
            break
        time.sleep(0.1)
    assert "SIGHUP: log level is now debug" in srv.log_text()
    with srv.client() as c:
        c.get_all_databases()
    time.sleep(0.2)
    assert "get_all_databases took" in srv.log_text()
    # and back
    conf.write_text("[log]\nlevel = warning\n")
    srv.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    n = srv.log_text().count("get_database took")
    with srv.client() as c:
        c.get_database("default")
    time.sleep(0.2)
    assert srv.log_text().count("get_database took") == n

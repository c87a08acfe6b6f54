"""Idempotency-Key on the Iceberg REST door's mutating routes: a retry with
the same key gets the first outcome and applies nothing again (also when
the first reply was dropped, on another replica, for error outcomes), a
key reused for another request is 422, a malformed key 400, records
expire after rest.idempotency_lifetime, a retry while the first attempt
runs waits and then gets 503, and an attempt that applied its change and
died leaves 500 CommitStateUnknownException, never a second change."""
import hashlib
import json
import socket
import time
import uuid

import pytest

from conftest import unique
from icelib import Rest, assert_error, ns_path, table_path
from icetables import create_body, load, make_ns, set_props


def new_key():
    """A UUIDv7 (RFC 9562): 48 bits of milliseconds, version 7, variant 10."""
    ms = int(time.time() * 1000)
    rnd = int.from_bytes(uuid.uuid4().bytes, "big")
    value = (ms << 80) | (0x7 << 76) | (rnd & ((1 << 76) - 1))
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def keyed(key):
    return {"Idempotency-Key": key}


def records(server, where="true"):
    out = server.pg.psql(server.db, "SELECT idem_key, applied, coalesce(status, 0) "
                                    "FROM ms_idempotency WHERE " + where).stdout
    return [line.split("|") for line in out.split("\n") if line]


@pytest.fixture(scope="module")
def rest(server):
    return Rest(server.rest_port)


def test_config_advertises_the_lifetime(rest):
    status, doc = rest.call("GET", "/v1/config")
    assert status == 200
    assert doc["idempotency-key-lifetime"] == "PT30M", doc


@pytest.mark.parametrize("key", ["not-a-uuid", "017f22e2-79b0-7cc3-98c4-dc0c0c07398", "",
                                 "017f22e2+79b0-7cc3-98c4-dc0c0c07398f"])
def test_malformed_key_is_400_and_nothing_runs(rest, key):
    name = unique("ns_badkey")
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [name]},
                            headers=keyed(key))
    assert_error(status, doc, 400, "BadRequestException")
    assert "Idempotency-Key" in doc["error"]["message"]
    assert rest.call("HEAD", ns_path(name))[0] == 404


def test_retried_create_namespace_and_table_are_replayed(rest, server):
    key = new_key()
    name = unique("ns_idem")
    body = {"namespace": [name], "properties": {"owner": "alice"}}
    first = rest.call_full("POST", "/v1/namespaces", body=body, headers=keyed(key))
    assert first[0] == 200, first
    again = rest.call_full("POST", "/v1/namespaces", body=body, headers=keyed(key.upper()))
    assert again[0] == 200 and again[1] == first[1], again
    assert again[2].get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first[2]
    # the same request without the key is a new one: it exists now
    assert_error(*rest.call("POST", "/v1/namespaces", body=body), 409, "AlreadyExistsException")

    tkey = new_key()
    tbody = create_body("t1")
    t1 = rest.call_full("POST", table_path(name), body=tbody, headers=keyed(tkey))
    assert t1[0] == 200, t1
    t2 = rest.call_full("POST", table_path(name), body=tbody, headers=keyed(tkey))
    assert t2[0] == 200 and t2[1] == t1[1], t2
    assert t2[2].get("idempotent-replayed") == "true"
    assert [r[1:] for r in records(server, "idem_key = '%s'" % tkey)] == [["t", "200"]]


def test_error_outcomes_are_replayed(rest):
    name = make_ns(rest, "ns_idem_err")
    key = new_key()
    body = {"namespace": [name]}
    status, doc, hdrs = rest.call_full("POST", "/v1/namespaces", body=body, headers=keyed(key))
    assert_error(status, doc, 409, "AlreadyExistsException")
    # dropped meanwhile: the retry still gets the first, final, outcome
    assert rest.call("DELETE", ns_path(name))[0] == 204
    status2, doc2, hdrs2 = rest.call_full("POST", "/v1/namespaces", body=body, headers=keyed(key))
    assert (status2, doc2) == (status, doc)
    assert hdrs2.get("idempotent-replayed") == "true"
    assert rest.call("HEAD", ns_path(name))[0] == 404


def test_key_reused_for_another_request_is_422(rest):
    ns = make_ns(rest, "ns_idem_reuse")
    key = new_key()
    a = rest.call("POST", "/v1/namespaces/%s/properties" % ns,
                  body={"updates": {"a": "1"}}, headers=keyed(key))
    assert a[0] == 200, a
    other_body = rest.call("POST", "/v1/namespaces/%s/properties" % ns,
                           body={"updates": {"a": "2"}}, headers=keyed(key))
    assert_error(*other_body, 422, "UnprocessableEntityException")
    other_route = rest.call("DELETE", ns_path(ns), headers=keyed(key))
    assert_error(*other_route, 422, "UnprocessableEntityException")
    status, doc = rest.call("GET", ns_path(ns))
    assert doc["properties"]["a"] == "1"


def send_and_drop(port, method, path, body, headers):
    """Send a whole request and close the socket without reading a byte."""
    data = json.dumps(body).encode()
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" \
           "Content-Length: %d\r\n" % (method, path, len(data))
    head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head.encode() + data)
    s.shutdown(socket.SHUT_WR)
    s.close()


def wait_for(what, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        value = what()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_commit_whose_reply_was_dropped_is_applied_once(rest, server):
    ns = make_ns(rest, "ns_idem_drop")
    name = "t"
    assert rest.call("POST", table_path(ns), body=create_body(name))[0] == 200
    before = load(rest, ns, name)["metadata"]
    key = new_key()
    body = {"requirements": [], "updates": [set_props(run=uuid.uuid4().hex)]}
    send_and_drop(server.rest_port, "POST", table_path(ns, name), body, keyed(key))
    wait_for(lambda: records(server, "idem_key = '%s' AND status IS NOT NULL" % key))
    after_first = load(rest, ns, name)
    assert len(after_first["metadata"]["metadata-log"]) == len(before["metadata-log"]) + 1
    status, doc, hdrs = rest.call_full("POST", table_path(ns, name), body=body,
                                       headers=keyed(key))
    assert status == 200, doc
    assert hdrs.get("idempotent-replayed") == "true"
    assert doc["metadata-location"] == after_first["metadata-location"]
    after_retry = load(rest, ns, name)
    assert after_retry["metadata-location"] == after_first["metadata-location"]
    assert after_retry["metadata"]["metadata-log"] == after_first["metadata"]["metadata-log"]
    # without a key the same commit is applied again: the key made the difference
    assert rest.call("POST", table_path(ns, name), body=body)[0] == 200
    assert load(rest, ns, name)["metadata-location"] != after_first["metadata-location"]


def test_every_mutating_route_records_and_replays(rest, server):
    ns = make_ns(rest, "ns_idem_routes")
    assert rest.call("POST", table_path(ns), body=create_body("a"))[0] == 200
    calls = [
        ("POST", "/v1/tables/rename", {"source": {"namespace": [ns], "name": "a"},
                                       "destination": {"namespace": [ns], "name": "b"}}),
        ("DELETE", table_path(ns, "b"), None),
        ("DELETE", ns_path(ns), None),
    ]
    for method, path, body in calls:
        key = new_key()
        first = rest.call(method, path, body=body, headers=keyed(key))
        assert first[0] == 204, (path, first)
        again = rest.call_full(method, path, body=body, headers=keyed(key))
        assert again[0] == 204 and again[2].get("idempotent-replayed") == "true", (path, again)
        assert [r[1:] for r in records(server, "idem_key = '%s'" % key)] == [["t", "204"]]


def test_metrics_reports_ignore_the_key(rest, server):
    ns = make_ns(rest, "ns_idem_metrics")
    assert rest.call("POST", table_path(ns), body=create_body("m"))[0] == 200
    key = new_key()
    report = {"report-type": "commit-report", "table-name": "m", "snapshot-id": 1,
              "sequence-number": 1, "operation": "append", "metrics": {}}
    status, _ = rest.call("POST", table_path(ns, "m") + "/metrics", body=report,
                          headers=keyed(key))
    assert status == 204
    assert records(server, "idem_key = '%s'" % key) == []


def fingerprint(method, segments, body, principal=""):
    """What the server hashes to tell requests apart (iceberg/idempotency.c)."""
    h = hashlib.sha256()
    for part in [principal, method] + segments:
        h.update(part.encode() + b"\0")
    h.update(b"\n" + body)
    return h.hexdigest()


def plant(server, key, fp, applied, age_s):
    server.pg.psql(server.db,
                   "INSERT INTO ms_idempotency (idem_key, fingerprint, owner, applied, "
                   "started_at, expires_at) VALUES ('%s', '%s', 'someone', %s, "
                   "now() - interval '%d seconds', now() + interval '1 hour')"
                   % (key, fp, "true" if applied else "false", age_s))


def test_retry_while_the_first_attempt_runs_waits_then_503(rest, server):
    name = unique("ns_idem_running")
    raw = json.dumps({"namespace": [name]}).encode()
    key = new_key()
    plant(server, key, fingerprint("POST", ["v1", "namespaces"], raw), False, 0)
    t0 = time.time()
    status, doc, hdrs = rest.call_full("POST", "/v1/namespaces", raw=raw, headers=keyed(key))
    assert_error(status, doc, 503, "ServiceUnavailableException")
    assert hdrs.get("retry-after") == "1"
    assert time.time() - t0 >= 1.5
    assert rest.call("HEAD", ns_path(name))[0] == 404


def test_attempt_that_died_before_its_change_is_taken_over(rest, server):
    name = unique("ns_idem_dead")
    raw = json.dumps({"namespace": [name]}).encode()
    key = new_key()
    # older than rest.timeout_s (60 s), not applied: its process died first
    plant(server, key, fingerprint("POST", ["v1", "namespaces"], raw), False, 120)
    status, doc = rest.call("POST", "/v1/namespaces", raw=raw, headers=keyed(key))
    assert status == 200, doc
    assert rest.call("HEAD", ns_path(name))[0] == 204


def test_attempt_that_died_after_its_change_is_not_run_again(rest, server):
    name = unique("ns_idem_lost")
    raw = json.dumps({"namespace": [name]}).encode()
    key = new_key()
    plant(server, key, fingerprint("POST", ["v1", "namespaces"], raw), True, 120)
    status, doc = rest.call("POST", "/v1/namespaces", raw=raw, headers=keyed(key))
    assert_error(status, doc, 500, "CommitStateUnknownException")
    assert rest.call("HEAD", ns_path(name))[0] == 404


def test_records_expire_and_are_cleaned(metastore_factory):
    srv = metastore_factory(sets=["rest.idempotency_lifetime=PT2S",
                                  "rest.idempotency_clean_interval=1"])
    rest = Rest(srv.rest_port)
    assert rest.call("GET", "/v1/config")[1]["idempotency-key-lifetime"] == "PT2S"
    name = unique("ns_idem_exp")
    key = new_key()
    body = {"namespace": [name]}
    assert rest.call("POST", "/v1/namespaces", body=body, headers=keyed(key))[0] == 200
    assert rest.call_full("POST", "/v1/namespaces", body=body,
                          headers=keyed(key))[2].get("idempotent-replayed") == "true"
    time.sleep(2.5)
    # expired: the same key runs the request again
    assert_error(*rest.call("POST", "/v1/namespaces", body=body, headers=keyed(key)),
                 409, "AlreadyExistsException")
    other = new_key()
    assert rest.call("DELETE", ns_path(name), headers=keyed(other))[0] == 204
    wait_for(lambda: not records(srv, "idem_key = '%s'" % other), timeout=10)


def test_lifetime_zero_turns_it_off(metastore_factory):
    srv = metastore_factory(sets=["rest.idempotency_lifetime=PT0S"])
    rest = Rest(srv.rest_port)
    assert "idempotency-key-lifetime" not in rest.call("GET", "/v1/config")[1]
    name = unique("ns_idem_off")
    body = {"namespace": [name]}
    assert rest.call("POST", "/v1/namespaces", body=body, headers=keyed("junk"))[0] == 200


def test_bad_lifetime_is_refused_at_start(metastore_factory):
    with pytest.raises(RuntimeError):
        metastore_factory(sets=["rest.idempotency_lifetime=30m"], check_exit=False)


def test_two_replicas_share_records(metastore_factory, pg):
    db = pg.createdb()
    a = metastore_factory(db=db)
    b = metastore_factory(db=db)
    ra, rb = Rest(a.rest_port), Rest(b.rest_port)
    ns = make_ns(ra, "ns_idem_two")
    assert ra.call("POST", table_path(ns), body=create_body("t"))[0] == 200
    key = new_key()
    body = {"requirements": [], "updates": [set_props(k="v")]}
    first = ra.call("POST", table_path(ns, "t"), body=body, headers=keyed(key))
    assert first[0] == 200, first
    status, doc, hdrs = rb.call_full("POST", table_path(ns, "t"), body=body, headers=keyed(key))
    assert status == 200 and hdrs.get("idempotent-replayed") == "true"
    assert doc == first[1]
    assert load(rb, ns, "t")["metadata-location"] == first[1]["metadata-location"]


def test_key_is_bound_to_its_principal(metastore_factory):
    from authlib import get_token
    srv = metastore_factory(sets=["rest.auth=oauth",
                                  "rest.oauth.clients=alice:alice-secret-0123456789,"
                                  "bob:bob-secret-0123456789"])
    alice = Rest(srv.rest_port, token=get_token(srv.rest_port, "alice", "alice-secret-0123456789"))
    bob = Rest(srv.rest_port, token=get_token(srv.rest_port, "bob", "bob-secret-0123456789"))
    name = unique("ns_idem_who")
    key = new_key()
    body = {"namespace": [name]}
    assert alice.call("POST", "/v1/namespaces", body=body, headers=keyed(key))[0] == 200
    # a fresh token of the same client is the same principal: replayed
    again = Rest(srv.rest_port, token=get_token(srv.rest_port, "alice", "alice-secret-0123456789"))
    replay = again.call_full("POST", "/v1/namespaces", body=body, headers=keyed(key))
    assert replay[0] == 200 and replay[2].get("idempotent-replayed") == "true"
    # another principal never gets alice's outcome
    assert_error(*bob.call("POST", "/v1/namespaces", body=body, headers=keyed(key)),
                 422, "UnprocessableEntityException")

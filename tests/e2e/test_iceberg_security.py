"""Hostile input at the Iceberg REST door: traversal in namespace and table
names (in bodies and in percent-encoded path segments) never creates a
file outside the warehouse; NUL never cuts a name short; malformed JSON,
JSON extensions, wrong member types, wrong content types, huge numbers and
deep nesting are 400 ErrorModels (valid JSON, never 5xx), and the server
stays up (the module's server must still exit 0 at the end).

Choices asserted here:
- an invalid name in a request body (create, rename destination,
  register) is 400 BadRequestException; an invalid name in a path segment
  is 400 or 404 (either says "not here"), never anything else;
- every error body is valid UTF-8 JSON, whatever bytes the name had;
- a body whose Content-Type is not application/json (parameters such as
  charset allowed) is 400 BadRequestException;
- register reads only what it is pointed at, and anything that is not
  Iceberg metadata (a text file, /proc, a directory, 64 MiB of junk) is a
  4xx whose message does not echo the content.

JSON extensions (quotes, comments) and unpaired surrogate escapes are cases
in tests/data/rest.
"""
import json
import os
import urllib.parse

import pytest

from conftest import unique
from hive_metastore.ttypes import NoSuchObjectException
from iceboth import create_namespace, create_table, ice_error
from icelib import Rest, ns_enc, ns_path, simple_schema, table_path
from icetables import read_json


@pytest.fixture
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture
def ns(rest):
    name = unique("sec")
    create_namespace(rest, name)
    return name


def files_outside_warehouse(server):
    """Every file and directory under the server's scratch directory that is
    not in the warehouse, plus anything in /tmp named like our markers."""
    out = set()
    for d, dirs, files in os.walk(server.tmp):
        if d == server.warehouse_dir or d.startswith(server.warehouse_dir + os.sep):
            continue
        for n in dirs + files:
            p = os.path.join(d, n)
            if p != server.warehouse_dir:
                out.add(p)
    return out


def warehouse_entries(server):
    out = set()
    for d, dirs, files in os.walk(server.warehouse_dir):
        for n in dirs + files:
            out.add(os.path.join(d, n))
    return out


def alive(rest):
    assert rest.call("GET", "/v1/config")[0] == 200


def offence(reply, allowed=(400,)):
    """None when 'reply' is a clean ErrorModel with an allowed status (400s
    being BadRequestException, or IllegalArgumentException for what Iceberg's
    metadata builders refuse with checkArgument), else a short description
    of what came."""
    status, doc = reply
    if status not in allowed:
        return "status %s: %.160r" % (status, doc)
    if not isinstance(doc, dict):
        return "status %s with a body that is not JSON: %.160r" % (status, doc)
    err = doc.get("error") or {}
    if err.get("code") != status or not err.get("message") or not err.get("type"):
        return "not an ErrorModel: %.160r" % (doc,)
    if status == 400 and err["type"] not in ("BadRequestException", "IllegalArgumentException"):
        return "400 of type %s" % err["type"]
    return None


def check_all(cases, send, allowed=(400,)):
    """Send every case, then assert none of them was answered otherwise."""
    bad = []
    for case in cases:
        why = offence(send(case), allowed)
        if why:
            bad.append("%r -> %s" % (case, why))
    assert not bad, "%d of %d cases:\n%s" % (len(bad), len(cases), "\n".join(bad))


# ---------------------------------------------------------------------------
# traversal
# ---------------------------------------------------------------------------

def marker():
    return unique("evil")


def traversal_names(mark):
    """Names that climb, separate or are otherwise no HMS name."""
    return ["..", ".", "../" + mark, "a/../b", "../../../../../../../../tmp/" + mark,
            "..\\" + mark, mark + "/x", "", " " + mark, mark + "\n", "A" * 300, "%2e%2e",
            "%2e%2e%2f" + mark]


def nul_names(mark):
    """Names a C string would cut short at the NUL."""
    return ["x\x00" + mark, mark + "\x00", "\x00"]


def control_names(mark):
    """Names with control characters the error message will echo."""
    return ["a\x1f" + mark, "\x1f", "a\x01b", "a\x7fb", "tab\tname"]


def test_traversal_table_names_in_create_bodies(rest, client, server, ns):
    mark = marker()
    before_out = files_outside_warehouse(server)
    before_wh = warehouse_entries(server)
    check_all(traversal_names(mark), lambda name: rest.call(
        "POST", table_path(ns), body={"name": name, "schema": simple_schema()}))
    alive(rest)
    assert files_outside_warehouse(server) == before_out
    assert warehouse_entries(server) == before_wh
    assert not os.path.exists("/tmp/" + mark)
    assert client.get_all_tables(ns) == []
    status, doc = rest.call("GET", table_path(ns))
    assert status == 200 and doc["identifiers"] == []


def test_traversal_namespace_names_in_create_bodies(rest, server):
    mark = marker()
    before_out = files_outside_warehouse(server)
    before_wh = warehouse_entries(server)
    check_all([[".."], ["../" + mark], ["a/../b"], ["%2e%2e"], ["..", mark], [mark, ".."]],
              lambda levels: rest.call("POST", "/v1/namespaces", body={"namespace": levels}))
    alive(rest)
    assert files_outside_warehouse(server) == before_out
    assert warehouse_entries(server) == before_wh
    assert mark not in json.dumps(rest.call("GET", "/v1/namespaces?pageSize=1000")[1])


def test_nul_in_names_is_400_and_never_truncated(rest, client, server, ns):
    """"x\\u0000evil" is not the name "x": create, rename and register with
    a NUL refuse, and nothing appears or moves under the cut-short name."""
    mark = marker()
    src = create_table(rest, ns, "src")
    before_wh = warehouse_entries(server)
    cases = nul_names(mark)
    check_all(cases, lambda name: rest.call("POST", table_path(ns),
                                            body={"name": name, "schema": simple_schema()}))
    check_all(cases, lambda name: rest.call("POST", "/v1/namespaces",
                                            body={"namespace": [name]}))
    check_all(cases, lambda name: rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": "src"},
        "destination": {"namespace": [ns], "name": name}}))
    check_all(cases, lambda name: rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": "src\x00" + mark},
        "destination": {"namespace": [ns], "name": "moved"}}), (400, 404))
    check_all(cases, lambda name: rest.call("POST", ns_path(ns) + "/register", body={
        "name": name, "metadata-location": src["metadata-location"]}))
    # and in a path: "src%00" is not "src" (a purge of it must not purge src)
    check_all(["src%00", "src%00" + mark, "%00"],
              lambda seg: rest.call("DELETE", ns_path(ns) + "/tables/" + seg +
                                    "?purgeRequested=true"), (400, 404))
    alive(rest)
    assert client.get_all_tables(ns) == ["src"]
    assert warehouse_entries(server) == before_wh
    names = [n for (n,) in (tuple(x) for x in rest.call(
        "GET", "/v1/namespaces?pageSize=1000")[1]["namespaces"])]
    assert "x" not in names and mark not in names


def test_control_characters_in_names_get_json_errors(rest, ns):
    """The names are echoed in the messages: the reply must still be valid
    JSON (control characters escaped), in bodies and in paths."""
    mark = marker()
    names = control_names(mark) + ['quote"name', "back\\slash", "\u2028line"]
    check_all(names, lambda name: rest.call("POST", table_path(ns),
                                            body={"name": name, "schema": simple_schema()}))
    check_all(names, lambda name: rest.call("POST", "/v1/namespaces",
                                            body={"namespace": [name]}))
    check_all(names, lambda name: rest.call("GET", table_path(ns, name)), (400, 404))
    check_all(names, lambda name: rest.call("GET", ns_path(name)), (400, 404))
    # bytes that are not UTF-8 (an overlong "..", a stray 0xFF) in a path
    segs = ["%c0%ae%c0%ae", "%ff%fe", "a%80b"]
    check_all(segs, lambda seg: rest.call("GET", ns_path(ns) + "/tables/" + seg), (400, 404))
    check_all(segs, lambda seg: rest.call("GET", "/v1/namespaces/" + seg), (400, 404))
    alive(rest)


def test_traversal_names_in_paths(rest, client, server, ns):
    mark = marker()
    create_table(rest, ns, "real")
    before_out = files_outside_warehouse(server)
    quoted = [urllib.parse.quote(n, safe="") for n in traversal_names(mark) if n]
    quoted += ["%2e%2e", "%2E%2E", "..%2f..%2f" + mark, "%2e%2e%2f%2e%2e%2f" + mark,
               "real%2f..%2freal"]
    body = {"requirements": [], "updates": [{"action": "set-properties", "updates": {"a": "b"}}]}
    for seg in quoted:
        tp = ns_path(ns) + "/tables/" + seg
        np = "/v1/namespaces/" + seg + "/tables"
        check_all([("GET", tp, None), ("DELETE", tp + "?purgeRequested=true", None),
                   ("POST", tp, body), ("POST", tp + "/metrics", {"report-type": "scan-report"}),
                   ("POST", np, {"name": "t", "schema": simple_schema()}), ("GET", np, None)],
                  lambda c: rest.call(c[0], c[1], body=c[2]), (400, 404))
        assert rest.call("HEAD", tp)[0] in (400, 404)
    # a namespace path whose levels climb out
    check_all([[ns, ".."], ["..", ns], [ns, "..", "..", mark]],
              lambda levels: rest.call("POST", "/v1/namespaces/%s/tables" % ns_enc(*levels),
                                       body={"name": "t", "schema": simple_schema()}),
              (400, 404))
    # raw (unencoded) dot segments
    for raw in ("/v1/namespaces/%s/tables/../../../config" % ns,
                "/v1/namespaces/../namespaces/%s/tables" % ns,
                "/v1/namespaces/%s/tables/./real" % ns):
        status, doc = rest.call("GET", raw)
        assert status < 500, (raw, status, doc)
        if status >= 400:
            ice_error((status, doc), status, doc["error"]["type"])
    alive(rest)
    assert files_outside_warehouse(server) == before_out
    assert not os.path.exists("/tmp/" + mark)
    assert client.get_all_tables(ns) == ["real"]
    assert client.get_table(ns, "real").parameters["table_type"] == "ICEBERG"


def test_traversal_names_in_rename_and_register(rest, client, server, ns):
    mark = marker()
    res = create_table(rest, ns, "src")
    before_out = files_outside_warehouse(server)
    check_all(traversal_names(mark), lambda name: rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": "src"},
        "destination": {"namespace": [ns], "name": name}}))
    check_all(traversal_names(mark), lambda name: rest.call(
        "POST", ns_path(ns) + "/register",
        body={"name": name, "metadata-location": res["metadata-location"]}))
    check_all([[".."], ["a/../b"], ["%2e%2e"]], lambda levels: rest.call(
        "POST", "/v1/tables/rename", body={"source": {"namespace": [ns], "name": "src"},
                                           "destination": {"namespace": levels,
                                                           "name": "ok_name"}}), (400, 404))
    alive(rest)
    assert client.get_all_tables(ns) == ["src"]
    assert files_outside_warehouse(server) == before_out


def test_register_does_not_leak_other_files(rest, client, server, ns):
    """Register reads whatever file it is pointed at: anything that is not
    Iceberg metadata is a 4xx whose message does not echo the content. (A
    device like /dev/zero is left out on purpose: reading it unbounded
    would take the test machine's memory down with the server.)"""
    secret_file = os.path.join(server.tmp, "not-metadata.txt")
    with open(secret_file, "w") as f:
        f.write("root:x:0:0:do-not-echo-this-line\n")
    big_file = os.path.join(server.tmp, "big.json")
    with open(big_file, "wb") as f:          # 64 MiB of JSON-looking junk
        f.write(b'{"format-version": 2, "pad": "')
        f.write(b"x" * (64 << 20))
        f.write(b'"}')
    locs = ["file://" + secret_file, "file:///etc/passwd", "file:///etc/../etc/passwd",
            "file://" + server.warehouse_dir + "/../not-metadata.txt",
            "file:///proc/self/environ", "file://" + big_file,
            "file:///nonexistent/" + unique("m") + ".metadata.json"]
    replies = []
    for loc in locs:
        reply = rest.call("POST", ns_path(ns) + "/register",
                          body={"name": "stolen", "metadata-location": loc})
        replies.append(reply)
    check_all(list(range(len(locs))), lambda i: replies[i], range(400, 500))
    for loc, (status, doc) in zip(locs, replies):
        message = doc["error"]["message"]
        for leak in ("do-not-echo", "root:x:0", "METASTORE_", "xxxxxxxxxxxxxxxx"):
            assert leak not in message, (loc, message[:200])
    alive(rest)
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, "stolen")


def test_register_of_a_directory_is_a_client_error(rest, server, ns):
    """A directory is no metadata file: the caller's mistake (4xx), not the
    storage being unavailable (503)."""
    check_all(["file:///", "file://" + server.warehouse_dir, "file:///tmp/"],
              lambda loc: rest.call("POST", ns_path(ns) + "/register",
                                    body={"name": "dir", "metadata-location": loc}),
              range(400, 500))
    alive(rest)


# ---------------------------------------------------------------------------
# malformed bodies
# ---------------------------------------------------------------------------

BAD_JSON = [b"{nope", b"[1]", b"null", b'"str"', b"1", b"true", b"", b" ", b'{"name": "t"',
            b'{"name": "t"} trailing', b"\xef\xbb\xbf[]", b'{"name": "\xff\xfe"}',
            b'{"name": "t", "schema": NaN}', b'{"name": "t", "schema": Infinity}',
            b'{"name": "t",}', b'{"a": "\\ud800"}', b"\x00",
            b'{"name": "t", "name": 1}']


def body_paths(ns):
    return [("POST", table_path(ns)), ("POST", table_path(ns, "t")),
            ("POST", "/v1/tables/rename"), ("POST", "/v1/transactions/commit"),
            ("POST", ns_path(ns) + "/register"), ("POST", table_path(ns, "t") + "/metrics"),
            ("POST", ns_path(ns) + "/properties"), ("POST", "/v1/namespaces")]


def test_malformed_json_is_400(rest, client, ns):
    create_table(rest, ns, "t")
    before = client.get_table(ns, "t").parameters
    cases = [(m, p, raw) for m, p in body_paths(ns) for raw in BAD_JSON
             if raw != b'{"name": "t", "name": 1}']
    check_all(cases, lambda c: rest.call(c[0], c[1], raw=c[2]))
    # duplicate keys: whichever wins, never a 5xx
    for m, p in body_paths(ns):
        assert rest.call(m, p, raw=b'{"name": "t", "name": 1}')[0] < 500
    alive(rest)
    assert client.get_table(ns, "t").parameters == before


def test_wrong_shapes_are_400(rest, client, ns):
    create_table(rest, ns, "t")
    t = table_path(ns, "t")
    cases = [
        (table_path(ns), {"name": 5, "schema": simple_schema()}),
        (table_path(ns), {"name": "x", "schema": "struct"}),
        (table_path(ns), {"name": "x", "schema": {"type": "struct", "fields": "no"}}),
        (table_path(ns), {"name": "x", "schema": {"type": "struct", "fields": [
            {"id": 1, "name": "a", "required": "yes", "type": "int"}]}}),
        (table_path(ns), {"name": "x", "schema": {"type": "struct", "fields": [
            {"id": 1, "name": "a", "required": True, "type": "nosuchtype"}]}}),
        (table_path(ns), {"name": "x", "schema": simple_schema(), "properties": {"a": 1}}),
        (table_path(ns), {"name": "x", "schema": simple_schema(), "properties": ["a"]}),
        (table_path(ns), {"name": "x", "schema": simple_schema(),
                          "partition-spec": {"spec-id": 0, "fields": [
                              {"source-id": 77, "field-id": 1000, "name": "p",
                               "transform": "identity"}]}}),
        (t, {"requirements": [], "updates": "all"}),
        (t, {"requirements": {}, "updates": []}),
        (t, {"requirements": [], "updates": [1]}),
        (t, {"requirements": [], "updates": [{"action": 1}]}),
        (t, {"requirements": [1], "updates": []}),
        (t, {"requirements": [{"type": "assert-ref-snapshot-id"}], "updates": []}),
        (t, {"requirements": [], "updates": [{"action": "set-properties"}]}),
        (t, {"requirements": [], "updates": [{"action": "set-current-schema",
                                              "schema-id": "one"}]}),
        (t, {"requirements": [], "updates": [{"action": "set-current-schema",
                                              "schema-id": 42}]}),
        (t, {"requirements": [], "updates": [{"action": "remove-properties",
                                              "removals": "a"}]}),
        ("/v1/tables/rename", {"source": {"namespace": ns, "name": "t"},
                               "destination": {"namespace": [ns], "name": "u"}}),
        ("/v1/tables/rename", {"source": {"namespace": [ns], "name": "t"}}),
        ("/v1/transactions/commit", {"table-changes": {}}),
        ("/v1/transactions/commit", {"table-changes": [{"requirements": [], "updates": []}]}),
        (ns_path(ns) + "/register", {"name": "r"}),
        (ns_path(ns) + "/register", {"name": "r", "metadata-location": 5}),
        (t + "/metrics", {"no": "report-type"}),
    ]
    before = client.get_table(ns, "t").parameters
    for i, (path, body) in enumerate(cases):
        if path == table_path(ns) and isinstance(body.get("name"), str):
            body["name"] = "shape_%d" % i       # one wrong answer must not hide the next
    check_all(cases, lambda c: rest.call("POST", c[0], body=c[1]))
    alive(rest)
    assert client.get_table(ns, "t").parameters == before
    assert client.get_all_tables(ns) == ["t"]


def test_wrong_member_types_in_create_are_400(rest, client, ns):
    """Iceberg's parser (JsonUtil.getBool/getStringOrNull) refuses a member
    of the wrong type instead of ignoring it."""
    cases = [("stage-create", "yes"), ("stage-create", 1), ("location", 7),
             ("location", ["file:///x"]), ("write-order", "asc"), ("partition-spec", [])]
    check_all(list(enumerate(cases)), lambda c: rest.call("POST", table_path(ns), body={
        "name": "typed_%d" % c[0], "schema": simple_schema(), c[1][0]: c[1][1]}))
    assert client.get_all_tables(ns) == []


def test_content_types(rest, client, ns):
    def body(name):
        return json.dumps({"name": name, "schema": simple_schema()})
    ctypes = ["text/plain", "application/x-www-form-urlencoded",
              "multipart/form-data; boundary=xyz", "application/xml", "image/png"]
    check_all(list(enumerate(ctypes)),
              lambda c: rest.call("POST", table_path(ns), raw=body("ct_%d" % c[0]),
                                  headers={"Content-Type": c[1]}))
    form = "name=ct&schema=x"
    reply = rest.call("POST", table_path(ns), raw=form,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    ice_error(reply, 400, "BadRequestException")
    assert client.get_all_tables(ns) == []
    # JSON with parameters is JSON
    status, doc = rest.call("POST", table_path(ns), raw=body("ct_json"),
                            headers={"Content-Type": "application/json; charset=utf-8"})
    assert status == 200, doc
    alive(rest)


def test_huge_numbers_are_400(rest, client, ns):
    create_table(rest, ns, "t")
    t = table_path(ns, "t")
    big = "99999999999999999999999999999999"

    def schema_with(raw_id):
        return ('{"name": "h", "schema": {"type": "struct", "schema-id": 0, "fields": ['
                '{"id": %s, "name": "a", "required": false, "type": "int"}]}}' % raw_id)
    check_all([big, "1e400", "-1e400", "1.5", "2147483648", "9223372036854775808", "-1"],
              lambda raw_id: rest.call("POST", table_path(ns), raw=schema_with(raw_id)))
    check_all(["decimal(39, 2)", "decimal(%s, 2)" % big, "fixed[%s]" % big, "fixed[-1]",
               "decimal(-1, 0)"],
              lambda typ: rest.call("POST", table_path(ns), body={"name": "h", "schema": {
                  "type": "struct", "fields": [{"id": 1, "name": "a", "required": False,
                                                "type": typ}]}}))
    check_all(['{"requirements": [], "updates": [{"action": "set-current-schema", '
               '"schema-id": %s}]}' % big,
               '{"requirements": [{"type": "assert-current-schema-id", '
               '"current-schema-id": 1e400}], "updates": []}',
               '{"requirements": [], "updates": [{"action": "upgrade-format-version", '
               '"format-version": %s}]}' % big,
               '{"requirements": [], "updates": [{"action": "set-snapshot-ref", '
               '"ref-name": "main", "type": "branch", "snapshot-id": 1e30}]}'],
              lambda raw: rest.call("POST", t, raw=raw), (400, 409))
    # a huge number in a property is just a string: taken or refused, the
    # table stays usable
    reply = rest.call("POST", t, raw='{"requirements": [], "updates": [{"action": '
                      '"set-properties", "updates": {"write.metadata.previous-versions-max": '
                      '"%s"}}]}' % big)
    assert reply[0] == 200 or offence(reply) is None, reply
    commit_ok = rest.call("POST", t, body={"requirements": [], "updates": [
        {"action": "set-properties", "updates": {"after": "huge"}}]})
    assert commit_ok[0] == 200, commit_ok
    check_all(["pageSize=" + big, "pageSize=-1", "pageSize=0", "pageSize=abc", "pageSize=1e400"],
              lambda q: rest.call("GET", table_path(ns) + "?" + q))
    alive(rest)
    assert rest.call("GET", t)[0] == 200


def test_huge_negative_field_id_is_400(rest, client, ns):
    """An id far below int's range must not wrap into a valid one."""
    for raw_id in ("-99999999999999999999999999999999", "-9223372036854775809",
                   "-2147483649"):
        reply = rest.call("POST", table_path(ns), raw=(
            '{"name": "neg", "schema": {"type": "struct", "schema-id": 0, "fields": ['
            '{"id": %s, "name": "a", "required": false, "type": "int"}]}}' % raw_id))
        assert offence(reply) is None, (raw_id, offence(reply))
    assert client.get_all_tables(ns) == []


def test_deep_schema_is_400(rest, client, ns):
    """A schema nested 3000 structs deep (written by hand: Python's own json
    module cannot nest that far)."""
    n = 3000
    head = "".join('{"type": "struct", "fields": [{"id": %d, "name": "n", "required": false, '
                   '"type": ' % (i + 1) for i in range(n))
    raw = '{"name": "deep", "schema": ' + head + '"int"' + "}]}" * n + "}"
    reply = rest.call("POST", table_path(ns), raw=raw)
    assert offence(reply) is None, offence(reply)
    alive(rest)
    assert client.get_all_tables(ns) == []


def test_deep_nesting_is_400(metastore_factory):
    """On a server of its own: a reader that recurses per level could take
    the whole process down, and with it the module's other tests."""
    srv = metastore_factory()
    rest = Rest(srv.rest_port)
    ns = unique("sec_deep")
    create_namespace(rest, ns)
    depth = 100000
    raws = ["[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth,
            '{"name": "d", "schema": ' + "[" * depth + "]" * depth + "}"]
    for path in (table_path(ns), "/v1/namespaces", "/v1/transactions/commit"):
        for raw in raws:
            reply = rest.call("POST", path, raw=raw)
            assert offence(reply) is None, (path, raw[:12], offence(reply))
    alive(rest)
    with srv.client() as client:
        assert client.get_all_tables(ns) == []


def _raw_exchange(port, data, timeout=5.0):
    """Send raw bytes on one connection; everything the server sends until
    it closes (or goes quiet)."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        got = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass
    return got


def test_repeated_content_length_is_400_and_closes(rest, server):
    """Issue 12 defect 9: with two Content-Length headers the first won and
    the rest of the body was served as a second request (request smuggling).
    RFC 9112 section 6.3: 400, and the connection is closed."""
    name = unique("cl")
    body = json.dumps({"namespace": [name]}).encode()
    smuggled = b"GET /v1/config HTTP/1.1\r\nHost: x\r\n\r\n"
    head = ("POST /v1/namespaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\nContent-Length: %d\r\n\r\n"
            % (len(body), len(body) + len(smuggled))).encode()
    got = _raw_exchange(server.rest_port, head + body + smuggled)
    assert got.startswith(b"HTTP/1.1 400"), got[:200]
    assert got.count(b"HTTP/1.1 ") == 1, got
    doc = json.loads(got.split(b"\r\n\r\n", 1)[1])
    assert doc["error"]["type"] == "BadRequestException", doc
    assert "Content-Length" in doc["error"]["message"], doc
    assert rest.call("HEAD", "/v1/namespaces/" + name)[0] == 404
    # one Content-Length is served as before
    ok = _raw_exchange(server.rest_port,
                       ("POST /v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                        % len(body)).encode() + body)
    assert ok.startswith(b"HTTP/1.1 200"), ok[:200]


def test_leftover_temporary_metadata_files_are_swept(rest, server):
    """Issue 12 defect 12: after a kill -9 mid-write, '*.metadata.json.tmp-*'
    files stayed forever. A put removes those older than an hour from its
    directory; a young one (a live writer's) stays."""
    import time as _time
    ns = unique("sweep")
    create_namespace(rest, ns)
    meta = os.path.join(server.warehouse_dir, ns + ".db", "t", "metadata")
    os.makedirs(meta, exist_ok=True)
    stale = os.path.join(meta, "00000-x.metadata.json.tmp-AbC123")
    young = os.path.join(meta, "00000-y.metadata.json.tmp-DeF456")
    other = os.path.join(meta, "notes.tmp-file-of-someone-else")
    for p in (stale, young, other):
        with open(p, "w") as f:
            f.write("{")
    old = _time.time() - 7200
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    doc = create_table(rest, ns, "t")
    assert doc["metadata-location"].startswith("file://" + meta), doc["metadata-location"]
    assert not os.path.exists(stale)
    assert os.path.exists(young) and os.path.exists(other)


def test_metadata_files_no_commit_made_current_are_swept(rest, server):
    """Issue 12 defect 12: a server killed between writing a commit's
    metadata file and PostgreSQL's COMMIT left a complete metadata file that
    never became current, forever. After a commit the table's metadata
    directory is swept in the background (once an hour per directory): a
    file of this table, in the log's version range, in no log and older
    than an hour goes. A young one, one older than the log (let go by
    write.metadata.previous-versions-max, which Iceberg keeps), one of
    another table (a dropped table's, which register could bring back), and
    files that are not metadata files stay."""
    import shutil
    import time as _time
    import uuid as _uuid
    from iceboth import commit, local_path
    ns = unique("orphan")
    create_namespace(rest, ns)
    doc = create_table(rest, ns, "t")
    first = doc["metadata-location"]
    meta = os.path.dirname(local_path(first))
    table_uuid = doc["metadata"]["table-uuid"]
    body = read_json(local_path(first))

    def plant(version, uuid=table_uuid, age=7200, suffix=".metadata.json"):
        path = os.path.join(meta, "%05d-%s%s" % (version, _uuid.uuid4(), suffix))
        d = dict(body, **{"table-uuid": uuid})
        with open(path, "w") as f:
            json.dump(d, f)
        when = _time.time() - age
        os.utime(path, (when, when))
        return path

    crashed = plant(1)                     # a crashed commit of version 1
    crashed_later = plant(2)               # ... and one of version 2
    young = plant(1, age=60)               # a commit in flight
    foreign = plant(1, uuid=str(_uuid.uuid4()))
    not_metadata = os.path.join(meta, "snap-1-1-%s.avro" % _uuid.uuid4())
    shutil.copy(local_path(first), not_metadata)
    os.utime(not_metadata, (_time.time() - 7200,) * 2)
    # the table's first file becomes old too: it is in the log, so it stays
    os.utime(local_path(first), (_time.time() - 7200,) * 2)

    after = commit(rest, ns, "t", [{"action": "set-properties", "updates": {"k": "v"}}])
    current = local_path(after["metadata-location"])
    deadline = _time.time() + 10
    while (os.path.exists(crashed) or os.path.exists(crashed_later)) and _time.time() < deadline:
        _time.sleep(0.05)
    assert not os.path.exists(crashed) and not os.path.exists(crashed_later)
    for p in (young, foreign, not_metadata, local_path(first), current):
        assert os.path.exists(p), p
    # the table still loads and commits
    commit(rest, ns, "t", [{"action": "set-properties", "updates": {"k": "w"}}])


def test_metadata_sweep_keeps_what_the_log_let_go(rest, server, client):
    """Files older than the oldest one the metadata-log still holds are the
    ones write.metadata.previous-versions-max let go: Iceberg keeps them
    (unless write.metadata.delete-after-commit.enabled), and so does the
    sweep, even when their versions were never current. The table reaches
    version 3 with a log of version 2 only through Thrift (Iceberg's
    HiveCatalog), which does not sweep; the first REST commit then does."""
    import time as _time
    from iceboth import commit, hive_commit, local_path, metadata_file, next_metadata
    ns = unique("orphanlog")
    create_namespace(rest, ns)
    doc = create_table(rest, ns, "t")
    first = doc["metadata-location"]
    body = read_json(local_path(first))
    v2 = metadata_file(body["location"], 2)
    v3 = metadata_file(body["location"], 3)
    third = next_metadata(body, v2, set_props={"k": "3"})
    third["metadata-log"] = third["metadata-log"][-1:]
    with open(local_path(v3), "w") as f:
        json.dump(third, f)
    hive_commit(client, ns, "t", first, v3, new_doc=third)

    def plant(version):
        path = local_path(metadata_file(body["location"], version))
        with open(path, "w") as f:
            json.dump(third, f)
        os.utime(path, (_time.time() - 7200,) * 2)
        return path

    let_go = plant(1)                      # below the log's oldest (2): kept
    crashed = plant(4)                     # in range, never current: swept
    os.utime(local_path(first), (_time.time() - 7200,) * 2)
    commit(rest, ns, "t", [{"action": "set-properties", "updates": {"k": "x"}}])
    deadline = _time.time() + 10
    while os.path.exists(crashed) and _time.time() < deadline:
        _time.sleep(0.05)
    assert not os.path.exists(crashed)
    assert os.path.exists(let_go) and os.path.exists(local_path(first))

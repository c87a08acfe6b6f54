"""Iceberg REST multi-table transactions (POST /v1/transactions/commit):
every change applied, or, when one requirement fails or one table is
missing, none (the metadata_location of every table unchanged through REST
and through Thrift); the same table twice; a create (assert-create) inside
a transaction. Malformed requests are a case in tests/data/rest."""
import pytest

from conftest import unique
from hive_metastore.ttypes import NoSuchObjectException
from icelib import Rest, assert_error, table_path
from icetables import (append_updates, change, create_table, current_snapshot_id, file_version,
                       hms_columns, hms_params, load, make_ns, metadata_files, read_json, req,
                       set_props, snapshot_ids, transaction)


@pytest.fixture(scope="module")
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture(scope="module")
def ns(rest):
    return make_ns(rest, "ice_tx")


def state(rest, client, ns, names):
    """{name: (REST metadata-location, HMS metadata_location, metadata files)};
    a refused transaction must leave the first two as they were (files it
    may have written without committing them are harmless orphans)."""
    out = {}
    for n in names:
        doc = load(rest, ns, n)
        out[n] = (doc["metadata-location"], hms_params(client, ns, n)["metadata_location"],
                  metadata_files(doc["metadata"]["location"]))
    return out


def extra_column_schema():
    return {"type": "struct", "schema-id": 1, "fields": [
        {"id": 1, "name": "id", "required": True, "type": "long"},
        {"id": 2, "name": "data", "required": False, "type": "string", "doc": "payload"},
        {"id": 3, "name": "ts", "required": False, "type": "timestamptz"},
        {"id": 4, "name": "extra", "required": False, "type": "string"}]}


def test_changes_to_three_tables_all_apply(rest, client, ns):
    other = make_ns(rest, "ice_tx2")
    a, doc_a = create_table(rest, ns)
    b, doc_b = create_table(rest, ns)
    c, doc_c = create_table(rest, other)
    updates_b, snap = append_updates(doc_b["metadata"])
    changes = [
        change(ns, a, [set_props(owner="tx")],
               [req("table-uuid", uuid=doc_a["metadata"]["table-uuid"])]),
        change(ns, b, updates_b, [req("ref-snapshot-id", ref="main", snapshot_id=None)]),
        change(other, c, [{"action": "add-schema", "schema": extra_column_schema()},
                          {"action": "set-current-schema", "schema-id": -1}],
               [req("current-schema-id", current_schema_id=0)]),
    ]
    status, doc = transaction(rest, changes)
    assert (status, doc) == (204, None)
    ma = load(rest, ns, a)
    assert ma["metadata"]["properties"]["owner"] == "tx"
    mb = load(rest, ns, b)
    assert current_snapshot_id(mb["metadata"]) == snap["snapshot-id"]
    mc = load(rest, other, c)
    assert mc["metadata"]["current-schema-id"] == 1
    for n_ns, n, before, now in ((ns, a, doc_a, ma), (ns, b, doc_b, mb), (other, c, doc_c, mc)):
        assert file_version(now["metadata-location"]) == 1
        assert now["metadata"]["metadata-log"][-1]["metadata-file"] == before["metadata-location"]
        assert read_json(now["metadata-location"]) == now["metadata"]
        p = hms_params(client, n_ns, n)
        assert p["metadata_location"] == now["metadata-location"]
        assert p["previous_metadata_location"] == before["metadata-location"]
    assert hms_columns(client, other, c)[-1][:2] == ("extra", "string")


def test_one_failing_requirement_applies_nothing(rest, client, ns):
    names = [create_table(rest, ns)[0] for _ in range(3)]
    before = state(rest, client, ns, names)
    changes = [change(ns, names[0], [set_props(x="1")]),
               change(ns, names[1], [set_props(x="2")],
                      [req("current-schema-id", current_schema_id=5)]),
               change(ns, names[2], [set_props(x="3")])]
    status, doc = transaction(rest, changes)
    assert_error(status, doc, 409, "CommitFailedException")
    assert doc["error"]["message"] == (
        "Requirement failed: current schema changed: expected id 5 != 0"), doc
    after = state(rest, client, ns, names)
    assert [after[n][:2] for n in names] == [before[n][:2] for n in names]
    for n in names:
        assert "x" not in load(rest, ns, n)["metadata"]["properties"]
    # the last change failing instead of the middle one
    changes[1] = change(ns, names[1], [set_props(x="2")])
    changes[2] = change(ns, names[2], [set_props(x="3")],
                        [req("ref-snapshot-id", ref="main", snapshot_id=77)])
    assert_error(*transaction(rest, changes), 409, "CommitFailedException")
    assert [state(rest, client, ns, names)[n][:2] for n in names] == [before[n][:2]
                                                                      for n in names]


def test_one_bad_update_applies_nothing(rest, client, ns):
    names = [create_table(rest, ns)[0] for _ in range(2)]
    before = state(rest, client, ns, names)
    for bad, etype in (({"action": "set-current-schema", "schema-id": 42},
                        "IllegalArgumentException"),
                       ({"action": "no-such-action"}, "BadRequestException"),
                       ({"action": "set-snapshot-ref", "ref-name": "main", "type": "branch",
                         "snapshot-id": 99}, "BadRequestException")):
        changes = [change(ns, names[0], [set_props(x="1")]), change(ns, names[1], [bad])]
        assert_error(*transaction(rest, changes), 400, etype)
    changes = [change(ns, names[0], [set_props(x="1")]),
               change(ns, names[1], [set_props(x="2")], [{"type": "assert-nothing"}])]
    assert_error(*transaction(rest, changes), 400, "BadRequestException")
    after = state(rest, client, ns, names)
    assert [after[n][:2] for n in names] == [before[n][:2] for n in names]


def test_a_missing_table_applies_nothing(rest, client, ns):
    a, _ = create_table(rest, ns)
    before = state(rest, client, ns, [a])
    status, doc = transaction(rest, [change(ns, a, [set_props(x="1")]),
                                     change(ns, unique("ghost"), [set_props(x="2")])])
    assert_error(status, doc, 404, "NoSuchTableException")
    assert_error(*transaction(rest, [change(ns, a, [set_props(x="1")]),
                                     change("nope_" + ns, "t", [set_props(x="2")])]),
                 404, "NoSuchTableException")
    assert state(rest, client, ns, [a])[a][:2] == before[a][:2]


def test_the_same_table_twice_applies_in_order(rest, client, ns):
    """Changes to one table apply one after the other: the second change's
    requirements see the first change's result (Java's adapter checks both
    against the state before the transaction, then loses the second one)."""
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    updates1, s1 = append_updates(md)
    md_after1 = dict(md, **{"last-sequence-number": 1,
                            "refs": {"main": {"snapshot-id": s1["snapshot-id"],
                                              "type": "branch"}}})
    updates2, s2 = append_updates(md_after1)
    status, res = transaction(rest, [
        change(ns, name, updates1 + [set_props(first="1")],
               [req("ref-snapshot-id", ref="main", snapshot_id=None)]),
        change(ns, name, updates2 + [set_props(second="2")],
               [req("ref-snapshot-id", ref="main", snapshot_id=s1["snapshot-id"])])])
    assert (status, res) == (204, None)
    got = load(rest, ns, name)
    md = got["metadata"]
    assert md["properties"]["first"] == "1" and md["properties"]["second"] == "2"
    assert snapshot_ids(md) == {s1["snapshot-id"], s2["snapshot-id"]}
    assert current_snapshot_id(md) == s2["snapshot-id"]
    assert md["last-sequence-number"] == 2
    assert hms_params(client, ns, name)["metadata_location"] == got["metadata-location"]
    assert read_json(got["metadata-location"]) == md
    # the second change's requirement fails against the first's result: nothing applies
    before = state(rest, client, ns, [name])
    status, res = transaction(rest, [
        change(ns, name, [set_props(third="3")]),
        change(ns, name, [set_props(fourth="4")],
               [req("ref-snapshot-id", ref="main", snapshot_id=s1["snapshot-id"])])])
    assert_error(status, res, 409, "CommitFailedException")
    assert state(rest, client, ns, [name])[name][:2] == before[name][:2]
    assert "third" not in load(rest, ns, name)["metadata"]["properties"]


def create_updates(ns_location, name, uuid_=None):
    updates = [
        {"action": "upgrade-format-version", "format-version": 2},
        {"action": "add-schema", "schema": extra_column_schema()},
        {"action": "set-current-schema", "schema-id": -1},
        {"action": "add-spec", "spec": {"spec-id": 0, "fields": []}},
        {"action": "set-default-spec", "spec-id": -1},
        {"action": "add-sort-order", "sort-order": {"order-id": 0, "fields": []}},
        {"action": "set-default-sort-order", "sort-order-id": -1},
        {"action": "set-location", "location": ns_location + "/" + name},
        {"action": "set-properties", "updates": {"made-by": "transaction"}}]
    if uuid_:
        updates.insert(0, {"action": "assign-uuid", "uuid": uuid_})
    return updates


def test_create_inside_a_transaction(rest, client, ns):
    """The contract: a commit with assert-create creates the table, through
    the table route or transactions/commit alike."""
    a, doc_a = create_table(rest, ns)
    loc = doc_a["metadata"]["location"].rsplit("/", 1)[0]
    new = unique("made")
    status, res = transaction(rest, [
        change(ns, a, [set_props(with_create="yes")]),
        change(ns, new, create_updates(loc, new, "0d3e3a1c-3f6f-4b1e-9d6c-1f2a3b4c5d6e"),
               [req("create")])])
    assert (status, res) == (204, None)
    got = load(rest, ns, new)
    assert file_version(got["metadata-location"]) == 0
    md = got["metadata"]
    assert md["table-uuid"] == "0d3e3a1c-3f6f-4b1e-9d6c-1f2a3b4c5d6e"
    assert md["location"] == loc + "/" + new
    assert md["properties"]["made-by"] == "transaction"
    assert [f["name"] for f in md["schemas"][0]["fields"]][-1] == "extra"
    assert read_json(got["metadata-location"]) == md
    assert hms_params(client, ns, new)["metadata_location"] == got["metadata-location"]
    assert load(rest, ns, a)["metadata"]["properties"]["with_create"] == "yes"
    # creating it again in a transaction conflicts, and nothing applies
    before = state(rest, client, ns, [a, new])
    status, res = transaction(rest, [
        change(ns, a, [set_props(again="yes")]),
        change(ns, new, create_updates(loc, new), [req("create")])])
    assert_error(status, res, 409, "CommitFailedException")
    assert res["error"]["message"] == "Requirement failed: table already exists"
    after = state(rest, client, ns, [a, new])
    assert [after[n][:2] for n in (a, new)] == [before[n][:2] for n in (a, new)]


def test_a_create_rolls_back_with_the_transaction(rest, client, ns):
    a, doc_a = create_table(rest, ns)
    loc = doc_a["metadata"]["location"].rsplit("/", 1)[0]
    new = unique("never")
    status, res = transaction(rest, [
        change(ns, new, create_updates(loc, new), [req("create")]),
        change(ns, a, [set_props(x="1")], [req("default-spec-id", default_spec_id=3)])])
    assert_error(status, res, 409, "CommitFailedException")
    assert rest.call("HEAD", table_path(ns, new))[0] == 404
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, new)
    assert "x" not in load(rest, ns, a)["metadata"]["properties"]

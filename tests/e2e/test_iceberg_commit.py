"""Iceberg REST commits (POST .../tables/{t}): the 8 requirement types
passing and failing with Iceberg's "Requirement failed: ..." texts (Java's
UpdateRequirement), every TableUpdate action of the spec's TableUpdate
anyOf as Java's TableMetadata.Builder applies it, what each commit leaves
behind (file versions, metadata-log, snapshot-log, the HMS mirror), and
concurrent writers on one branch losing no update."""
import threading
import time
import uuid

import pytest

from conftest import unique
from iceberg_spec import spec_validator
from icelib import Rest, assert_error, table_path
from icetables import (append, append_updates, commit, commit_ok, create_table, current_snapshot_id,
                       exists, file_version, hms_columns, hms_params, load, make_ns,
                       metadata_files, now_ms, read_json, req, set_props, snapshot, snapshot_ids)


@pytest.fixture(scope="module")
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture(scope="module")
def ns(rest):
    return make_ns(rest, "ice_commit")


def refused(rest, ns, name, updates=(), requirements=(), code=400,
            etype="BadRequestException", message=None):
    """The commit fails with this error and leaves the table as it was."""
    before = load(rest, ns, name)
    files = metadata_files(before["metadata"]["location"])
    status, doc = commit(rest, ns, name, updates, requirements)
    assert_error(status, doc, code, etype)
    if message is not None:
        assert doc["error"]["message"] == message, doc
    after = load(rest, ns, name)
    assert after["metadata-location"] == before["metadata-location"]
    assert after["metadata"] == before["metadata"]
    assert metadata_files(before["metadata"]["location"]) == files
    return doc


def conflict(rest, ns, name, requirements, message, updates=None):
    """A failing requirement: 409 CommitFailedException with Iceberg's text."""
    return refused(rest, ns, name, updates if updates is not None else [set_props(x="y")],
                   requirements, 409, "CommitFailedException", message)


def add_column_schema(md, col_id=4, col="extra", ctype="int"):
    """The current schema plus one optional column."""
    cur = [s for s in md["schemas"] if s["schema-id"] == md["current-schema-id"]][0]
    fields = [dict(f) for f in cur["fields"]] + [
        {"id": col_id, "name": col, "required": False, "type": ctype, "doc": "added"}]
    return {"type": "struct", "schema-id": cur["schema-id"] + 1, "fields": fields}


# ---------------------------------------------------------------------------
# the spec's lists
# ---------------------------------------------------------------------------

def test_every_spec_requirement_and_action_is_exercised_here():
    """Each TableRequirement type and each TableUpdate action of the spec
    (components/schemas TableRequirement mapping, TableUpdate anyOf) is used
    by a test of this file; a new spec release with more fails here."""
    import yaml
    from nodetools import require_spec
    with open(require_spec()) as f:
        schemas = yaml.safe_load(f)["components"]["schemas"]
    actions = [schemas[r["$ref"].rsplit("/", 1)[1]]["properties"]["action"]["const"]
               for r in schemas["TableUpdate"]["anyOf"]]
    types = list(schemas["TableRequirement"]["discriminator"]["mapping"])
    assert len(actions) >= 23 and len(types) == 8
    with open(__file__) as f:
        source = f.read()
    missing = [a for a in actions if '"action": "%s"' % a not in source]
    missing += [t for t in types if 'req("%s"' % t[len("assert-"):] not in source]
    assert not missing, missing


# ---------------------------------------------------------------------------
# requirements
# ---------------------------------------------------------------------------

def test_assert_create(rest, ns):
    name, doc = create_table(rest, ns)
    conflict(rest, ns, name, [req("create")], "Requirement failed: table already exists")


def test_assert_table_uuid(rest, ns):
    name, doc = create_table(rest, ns)
    have = doc["metadata"]["table-uuid"]
    commit_ok(rest, ns, name, [set_props(a="1")], [req("table-uuid", uuid=have)])
    # compared without regard to case, as Java's equalsIgnoreCase
    commit_ok(rest, ns, name, [set_props(a="2")], [req("table-uuid", uuid=have.upper())])
    other = str(uuid.uuid4())
    # Java: "UUID does not match: expected <the table's> != <the requirement's>"
    conflict(rest, ns, name, [req("table-uuid", uuid=other)],
             "Requirement failed: UUID does not match: expected %s != %s" % (have, other))


def test_assert_ref_snapshot_id(rest, ns):
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    # snapshot-id null: the ref must not exist yet
    updates, s1 = append_updates(md)
    md = commit_ok(rest, ns, name, updates, [req("ref-snapshot-id", ref="main",
                                                 snapshot_id=None)])["metadata"]
    s1 = s1["snapshot-id"]
    assert current_snapshot_id(md) == s1
    conflict(rest, ns, name, [req("ref-snapshot-id", ref="main", snapshot_id=None)],
             "Requirement failed: branch main was created concurrently")
    # the right id passes
    updates, s2 = append_updates(md)
    md = commit_ok(rest, ns, name, updates, [req("ref-snapshot-id", ref="main",
                                                 snapshot_id=s1)])["metadata"]
    s2 = s2["snapshot-id"]
    conflict(rest, ns, name, [req("ref-snapshot-id", ref="main", snapshot_id=s1)],
             "Requirement failed: branch main has changed: expected id %d != %d" % (s1, s2))
    conflict(rest, ns, name, [req("ref-snapshot-id", ref="dev", snapshot_id=s1)],
             "Requirement failed: branch or tag dev is missing, expected %d" % s1)
    # tags
    md = commit_ok(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "v1",
                                     "type": "tag", "snapshot-id": s1}])["metadata"]
    commit_ok(rest, ns, name, [set_props(t="1")], [req("ref-snapshot-id", ref="v1",
                                                       snapshot_id=s1)])
    conflict(rest, ns, name, [req("ref-snapshot-id", ref="v1", snapshot_id=s2)],
             "Requirement failed: tag v1 has changed: expected id %d != %d" % (s2, s1))
    conflict(rest, ns, name, [req("ref-snapshot-id", ref="v1", snapshot_id=None)],
             "Requirement failed: tag v1 was created concurrently")
    # a ref that does not exist, asserted absent: passes
    commit_ok(rest, ns, name, [set_props(t="2")], [req("ref-snapshot-id", ref="dev",
                                                       snapshot_id=None)])


def test_assert_current_schema_id(rest, ns):
    name, doc = create_table(rest, ns)
    md = commit_ok(rest, ns, name, [
        {"action": "add-schema", "schema": add_column_schema(doc["metadata"])},
        {"action": "set-current-schema", "schema-id": -1}],
        [req("current-schema-id", current_schema_id=0)])["metadata"]
    assert md["current-schema-id"] == 1
    conflict(rest, ns, name, [req("current-schema-id", current_schema_id=0)],
             "Requirement failed: current schema changed: expected id 0 != 1")


def test_assert_last_assigned_field_id(rest, ns):
    name, doc = create_table(rest, ns)
    commit_ok(rest, ns, name, [{"action": "add-schema",
                                "schema": add_column_schema(doc["metadata"])}],
              [req("last-assigned-field-id", last_assigned_field_id=3)])
    conflict(rest, ns, name, [req("last-assigned-field-id", last_assigned_field_id=3)],
             "Requirement failed: last assigned field id changed: expected id 3 != 4")


def test_assert_last_assigned_partition_id(rest, ns):
    name, _ = create_table(rest, ns)
    spec = {"fields": [{"source-id": 1, "name": "id_b", "transform": "bucket[8]"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec}],
                   [req("last-assigned-partition-id", last_assigned_partition_id=999)])["metadata"]
    assert md["last-partition-id"] == 1000
    conflict(rest, ns, name, [req("last-assigned-partition-id", last_assigned_partition_id=999)],
             "Requirement failed: last assigned partition id changed: expected id 999 != 1000")


def test_assert_default_spec_id(rest, ns):
    name, _ = create_table(rest, ns)
    spec = {"fields": [{"source-id": 3, "name": "ts_day", "transform": "day"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec},
                                    {"action": "set-default-spec", "spec-id": -1}],
                   [req("default-spec-id", default_spec_id=0)])["metadata"]
    assert md["default-spec-id"] == 1
    conflict(rest, ns, name, [req("default-spec-id", default_spec_id=0)],
             "Requirement failed: default partition spec changed: expected id 0 != 1")


def test_assert_default_sort_order_id(rest, ns):
    name, _ = create_table(rest, ns)
    order = {"order-id": 1, "fields": [{"source-id": 2, "transform": "identity",
                                        "direction": "asc", "null-order": "nulls-first"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-sort-order", "sort-order": order},
                                    {"action": "set-default-sort-order", "sort-order-id": -1}],
                   [req("default-sort-order-id", default_sort_order_id=0)])["metadata"]
    assert md["default-sort-order-id"] == 1
    conflict(rest, ns, name, [req("default-sort-order-id", default_sort_order_id=0)],
             "Requirement failed: default sort order changed: expected id 0 != 1")


def test_all_requirements_together_and_the_first_failure_wins(rest, ns):
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    good = [req("table-uuid", uuid=md["table-uuid"]),
            req("ref-snapshot-id", ref="main", snapshot_id=None),
            req("current-schema-id", current_schema_id=0),
            req("last-assigned-field-id", last_assigned_field_id=3),
            req("last-assigned-partition-id", last_assigned_partition_id=999),
            req("default-spec-id", default_spec_id=0),
            req("default-sort-order-id", default_sort_order_id=0)]
    commit_ok(rest, ns, name, [set_props(all="ok")], good)
    bad = good[:2] + [req("current-schema-id", current_schema_id=5),
                      req("default-spec-id", default_spec_id=5)] + good[2:]
    conflict(rest, ns, name, bad, "Requirement failed: current schema changed: expected id 5 != 0")


def test_malformed_and_unknown_requirements_are_400(rest, ns):
    name, _ = create_table(rest, ns)
    for bad in ([{"type": "assert-nothing"}],
                [{"type": "assert-current-schema-id"}],
                [{"type": "assert-current-schema-id", "current-schema-id": "zero"}],
                [{"type": "assert-table-uuid"}],
                [{"type": "assert-ref-snapshot-id", "snapshot-id": 1}],
                [{"no-type": True}],
                ["assert-create"]):
        refused(rest, ns, name, [set_props(a="1")], bad)
    # an unknown type is refused even after a requirement that fails
    refused(rest, ns, name, [set_props(a="1")],
            [req("current-schema-id", current_schema_id=9), {"type": "assert-future"}])
    status, doc = commit(rest, ns, name, raw_body={"requirements": {}, "updates": []})
    assert_error(status, doc, 400, "BadRequestException")


# ---------------------------------------------------------------------------
# updates
# ---------------------------------------------------------------------------

def test_unknown_and_malformed_updates_are_400(rest, ns):
    name, _ = create_table(rest, ns)
    for bad in ([{"action": "make-it-fast"}],
                [set_props(a="1"), {"action": "make-it-fast"}],
                [{"no-action": 1}],
                ["set-properties"],
                [{"action": "add-schema"}],
                [{"action": "add-schema", "schema": {"type": "struct", "fields": [
                    {"id": 1, "name": "id", "required": True, "type": "nosuchtype"}]}}],
                [{"action": "set-properties", "updates": {"a": 1}}],
                [{"action": "set-properties", "updates": ["a"]}],
                [{"action": "remove-properties", "removals": "a"}],
                [{"action": "set-current-schema"}],
                [{"action": "set-location"}],
                [{"action": "add-snapshot", "snapshot": {"snapshot-id": 1}}],
                [{"action": "set-snapshot-ref", "ref-name": "main", "type": "branch"}],
                [{"action": "remove-snapshots", "snapshot-ids": ["x"]}],
                # a view's updates on a table
                [{"action": "set-current-view-version", "view-version-id": -1}],
                [{"action": "add-view-version", "view-version": {
                    "version-id": 1, "timestamp-ms": 1, "schema-id": 0, "summary": {},
                    "representations": [], "default-namespace": []}}]):
        refused(rest, ns, name, bad)
    status, doc = commit(rest, ns, name, raw_body={"requirements": [], "updates": {}})
    assert_error(status, doc, 400, "BadRequestException")


def test_assign_uuid(rest, client, ns):
    name, doc = create_table(rest, ns)
    have = doc["metadata"]["table-uuid"]
    # the same uuid is accepted (that it writes no file: the no-op test below)
    commit_ok(rest, ns, name, [{"action": "assign-uuid", "uuid": have}])
    assert load(rest, ns, name)["metadata"]["table-uuid"] == have
    # Java's TableMetadata.Builder.assignUUID takes a new one (the spec
    # warns it is unsafe outside create, it does not refuse it)
    new = str(uuid.uuid4())
    md = commit_ok(rest, ns, name, [{"action": "assign-uuid", "uuid": new}])["metadata"]
    assert md["table-uuid"] == new
    assert hms_params(client, ns, name)["uuid"] == new
    refused(rest, ns, name, [{"action": "assign-uuid"}])


def test_upgrade_format_version(rest, ns):
    name, doc = create_table(rest, ns, properties={"format-version": "1"})
    assert doc["metadata"]["format-version"] == 1
    md = commit_ok(rest, ns, name, [{"action": "upgrade-format-version",
                                     "format-version": 2}])["metadata"]
    assert md["format-version"] == 2 and md["last-sequence-number"] == 0
    # Java's builder refuses these with checkArgument: IllegalArgumentException
    refused(rest, ns, name, [{"action": "upgrade-format-version", "format-version": 1}],
            etype="IllegalArgumentException", message="Cannot downgrade v2 table to v1")
    refused(rest, ns, name, [{"action": "upgrade-format-version", "format-version": 4}],
            etype="IllegalArgumentException")
    md = commit_ok(rest, ns, name, [{"action": "upgrade-format-version",
                                     "format-version": 3}])["metadata"]
    assert md["format-version"] == 3 and md["next-row-id"] == 0


def test_v3_row_lineage(rest, ns):
    name, doc = create_table(rest, ns, properties={"format-version": "3"})
    md = doc["metadata"]
    assert md["next-row-id"] == 0
    updates, snap = append_updates(md)
    md = commit_ok(rest, ns, name, updates)["metadata"]
    assert md["next-row-id"] == snap["added-rows"]
    stale = snapshot(md, parent=snap["snapshot-id"])
    stale["first-row-id"] = 0
    # Java 1.11: a first-row-id behind next-row-id is a retryable conflict
    doc = refused(rest, ns, name, [{"action": "add-snapshot", "snapshot": stale}],
                  code=409, etype="CommitFailedException")
    assert doc["error"]["message"].startswith("Validation failed, please retry:"), doc
    lineage_free = snapshot(md, parent=snap["snapshot-id"])
    del lineage_free["first-row-id"]
    refused(rest, ns, name, [{"action": "add-snapshot", "snapshot": lineage_free}])


def test_add_schema_and_set_current_schema(rest, client, ns):
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    schema1 = add_column_schema(md)
    # added, not current
    md = commit_ok(rest, ns, name, [{"action": "add-schema", "schema": schema1}])["metadata"]
    assert [s["schema-id"] for s in md["schemas"]] == [0, 1]
    assert md["current-schema-id"] == 0 and md["last-column-id"] == 4
    assert [c[0] for c in hms_columns(client, ns, name)] == ["id", "data", "ts"]
    # made current by id: the HMS columns follow
    md = commit_ok(rest, ns, name, [{"action": "set-current-schema", "schema-id": 1}])["metadata"]
    assert md["current-schema-id"] == 1
    assert hms_columns(client, ns, name) == [
        ("id", "bigint", None), ("data", "string", "payload"), ("ts", "timestamp", None),
        ("extra", "int", "added")]
    # added and made current in one commit (-1: the one just added)
    schema2 = add_column_schema(md, 5, "more", {"type": "list", "element-id": 6,
                                                "element": "long", "element-required": True})
    md = commit_ok(rest, ns, name, [{"action": "add-schema", "schema": schema2},
                                    {"action": "set-current-schema", "schema-id": -1}])["metadata"]
    assert md["current-schema-id"] == 2 and md["last-column-id"] == 6
    assert hms_columns(client, ns, name)[-1] == ("more", "array<bigint>", "added")
    # back to the first schema
    commit_ok(rest, ns, name, [{"action": "set-current-schema", "schema-id": 0}])
    assert [c[0] for c in hms_columns(client, ns, name)] == ["id", "data", "ts"]
    # an identical schema is not added twice
    same = commit_ok(rest, ns, name, [{"action": "add-schema", "schema": schema1}])
    assert [s["schema-id"] for s in same["metadata"]["schemas"]] == [0, 1, 2]
    refused(rest, ns, name, [{"action": "set-current-schema", "schema-id": -1}])
    refused(rest, ns, name, [{"action": "set-current-schema", "schema-id": 42}],
            etype="IllegalArgumentException")


def test_drop_of_the_last_column_as_java_sends_it(rest, client, ns):
    """Iceberg 1.11's Java client sends add-schema with "last-column-id" =
    the new schema's highest id, below the table's after dropping the
    column with the highest id; the server (as 1.11's AddSchema) does not
    read it, and the table's last-column-id stays (RCK
    testUpdateTableSchemaConflict)."""
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    assert md["last-column-id"] == 3
    cur = [s for s in md["schemas"] if s["schema-id"] == md["current-schema-id"]][0]
    kept = [f for f in cur["fields"] if f["id"] != 3]
    md = commit_ok(rest, ns, name, [
        {"action": "add-schema", "schema": {"type": "struct", "schema-id": 1, "fields": kept},
         "last-column-id": 2},
        {"action": "set-current-schema", "schema-id": -1}],
        [req("current-schema-id", current_schema_id=0),
         req("last-assigned-field-id", last_assigned_field_id=3)])["metadata"]
    assert md["current-schema-id"] == 1 and md["last-column-id"] == 3
    assert [c[0] for c in hms_columns(client, ns, name)] == ["id", "data"]
    # a higher one does not raise it either
    md = commit_ok(rest, ns, name, [
        {"action": "add-schema", "schema": add_column_schema(md, 4, "w"), "last-column-id": 9},
        {"action": "set-current-schema", "schema-id": -1}])["metadata"]
    assert md["last-column-id"] == 4


def test_remove_schemas(rest, ns):
    name, doc = create_table(rest, ns)
    md = commit_ok(rest, ns, name, [
        {"action": "add-schema", "schema": add_column_schema(doc["metadata"])},
        {"action": "set-current-schema", "schema-id": -1}])["metadata"]
    assert md["current-schema-id"] == 1
    refused(rest, ns, name, [{"action": "remove-schemas", "schema-ids": [1]}],
            etype="IllegalArgumentException", message="Cannot remove the current schema")
    md = commit_ok(rest, ns, name, [{"action": "remove-schemas", "schema-ids": [0]}])["metadata"]
    assert [s["schema-id"] for s in md["schemas"]] == [1]
    assert md["last-column-id"] == 4
    refused(rest, ns, name, [{"action": "remove-schemas", "schema-ids": "0"}])


def test_partition_specs(rest, ns):
    name, _ = create_table(rest, ns)
    spec = {"fields": [{"source-id": 1, "name": "id_b", "transform": "bucket[8]"},
                       {"source-id": 3, "name": "ts_hour", "transform": "hour"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec},
                                    {"action": "set-default-spec", "spec-id": -1}])["metadata"]
    assert md["default-spec-id"] == 1 and md["last-partition-id"] == 1001
    new = [s for s in md["partition-specs"] if s["spec-id"] == 1][0]
    assert [(f["field-id"], f["source-id"], f["name"], f["transform"]) for f in new["fields"]] == [
        (1000, 1, "id_b", "bucket[8]"), (1001, 3, "ts_hour", "hour")]
    # the default cannot go, the others can
    refused(rest, ns, name, [{"action": "remove-partition-specs", "spec-ids": [1]}],
            etype="IllegalArgumentException")
    md = commit_ok(rest, ns, name, [{"action": "remove-partition-specs",
                                     "spec-ids": [0]}])["metadata"]
    assert [s["spec-id"] for s in md["partition-specs"]] == [1]
    assert md["last-partition-id"] == 1001
    # set back and forth by id
    spec2 = {"fields": [{"source-id": 2, "name": "data", "transform": "identity"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec2}])["metadata"]
    assert md["default-spec-id"] == 1 and md["last-partition-id"] == 1002
    md = commit_ok(rest, ns, name, [{"action": "set-default-spec", "spec-id": 2}])["metadata"]
    assert md["default-spec-id"] == 2
    refused(rest, ns, name, [{"action": "set-default-spec", "spec-id": -1}])
    refused(rest, ns, name, [{"action": "set-default-spec", "spec-id": 77}])
    refused(rest, ns, name, [{"action": "add-spec", "spec": {"fields": [
        {"source-id": 99, "name": "p", "transform": "identity"}]}}])
    refused(rest, ns, name, [{"action": "add-spec", "spec": {"fields": [
        {"source-id": 2, "name": "p", "transform": "month"}]}}])


def test_an_identical_spec_is_reused(rest, ns):
    """Java's addPartitionSpec: a spec compatible with an existing one (same
    sources, transforms, names) takes its id; no partition field ids are spent."""
    name, _ = create_table(rest, ns)
    spec = {"fields": [{"source-id": 1, "name": "id_b", "transform": "bucket[8]"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec}])["metadata"]
    assert md["last-partition-id"] == 1000
    md = commit_ok(rest, ns, name, [{"action": "add-spec", "spec": spec}])["metadata"]
    assert [s["spec-id"] for s in md["partition-specs"]] == [0, 1]
    assert md["last-partition-id"] == 1000
    # (a reused spec is not "the last added": Java clients name it by id)
    md = commit_ok(rest, ns, name, [{"action": "set-default-spec", "spec-id": 1}])["metadata"]
    assert md["default-spec-id"] == 1 and md["last-partition-id"] == 1000


def test_sort_orders(rest, ns):
    name, _ = create_table(rest, ns)
    order = {"order-id": 9, "fields": [
        {"source-id": 3, "transform": "identity", "direction": "desc", "null-order": "nulls-last"}]}
    md = commit_ok(rest, ns, name, [{"action": "add-sort-order", "sort-order": order},
                                    {"action": "set-default-sort-order",
                                     "sort-order-id": -1}])["metadata"]
    assert md["default-sort-order-id"] == 1
    new = [o for o in md["sort-orders"] if o["order-id"] == 1][0]
    assert new["fields"] == [{"source-id": 3, "transform": "identity", "direction": "desc",
                              "null-order": "nulls-last"}]
    # back to unsorted by id
    md = commit_ok(rest, ns, name, [{"action": "set-default-sort-order",
                                     "sort-order-id": 0}])["metadata"]
    assert md["default-sort-order-id"] == 0
    refused(rest, ns, name, [{"action": "set-default-sort-order", "sort-order-id": -1}])
    refused(rest, ns, name, [{"action": "set-default-sort-order", "sort-order-id": 33}])
    refused(rest, ns, name, [{"action": "add-sort-order", "sort-order": {"order-id": 2, "fields": [
        {"source-id": 99, "transform": "identity", "direction": "asc",
         "null-order": "nulls-first"}]}}])


def test_snapshots_refs_and_logs(rest, ns):
    name, doc = create_table(rest, ns)
    md0 = doc["metadata"]
    updates, s1 = append_updates(md0)
    r1 = commit_ok(rest, ns, name, updates)
    md = r1["metadata"]
    assert snapshot_ids(md) == {s1["snapshot-id"]}
    assert current_snapshot_id(md) == s1["snapshot-id"]
    assert md["refs"] == {"main": {"snapshot-id": s1["snapshot-id"], "type": "branch"}}
    assert md["last-sequence-number"] == 1
    assert md["snapshot-log"] == [{"timestamp-ms": s1["timestamp-ms"],
                                   "snapshot-id": s1["snapshot-id"]}]
    stored = [s for s in md["snapshots"] if s["snapshot-id"] == s1["snapshot-id"]][0]
    assert stored["manifest-list"] == s1["manifest-list"] and stored["sequence-number"] == 1
    assert stored["summary"]["operation"] == "append"
    # a second append: the log and the sequence number move on
    updates, s2 = append_updates(md)
    md = commit_ok(rest, ns, name, updates)["metadata"]
    assert md["last-sequence-number"] == 2
    assert [e["snapshot-id"] for e in md["snapshot-log"]] == [s1["snapshot-id"],
                                                               s2["snapshot-id"]]
    assert [s for s in md["snapshots"]
            if s["snapshot-id"] == s2["snapshot-id"]][0]["parent-snapshot-id"] == s1["snapshot-id"]
    # a branch and a tag with their retention fields
    md = commit_ok(rest, ns, name, [
        {"action": "set-snapshot-ref", "ref-name": "dev", "type": "branch",
         "snapshot-id": s1["snapshot-id"], "min-snapshots-to-keep": 3,
         "max-snapshot-age-ms": 86400000, "max-ref-age-ms": 604800000},
        {"action": "set-snapshot-ref", "ref-name": "release", "type": "tag",
         "snapshot-id": s1["snapshot-id"], "max-ref-age-ms": 1000}])["metadata"]
    assert md["refs"]["dev"] == {"snapshot-id": s1["snapshot-id"], "type": "branch",
                                 "min-snapshots-to-keep": 3, "max-snapshot-age-ms": 86400000,
                                 "max-ref-age-ms": 604800000}
    assert md["refs"]["release"] == {"snapshot-id": s1["snapshot-id"], "type": "tag",
                                     "max-ref-age-ms": 1000}
    assert current_snapshot_id(md) == s2["snapshot-id"]
    assert len(md["snapshot-log"]) == 2
    # rollback of main to s1: logged with the commit's time
    before = now_ms()
    md = commit_ok(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "main",
                                     "type": "branch", "snapshot-id": s1["snapshot-id"]}])[
        "metadata"]
    assert current_snapshot_id(md) == s1["snapshot-id"]
    assert md["snapshot-log"][-1]["snapshot-id"] == s1["snapshot-id"]
    assert md["snapshot-log"][-1]["timestamp-ms"] >= before - 5000
    # remove-snapshot-ref
    md = commit_ok(rest, ns, name, [{"action": "remove-snapshot-ref",
                                     "ref-name": "release"}])["metadata"]
    assert "release" not in md["refs"] and "dev" in md["refs"]
    md = commit_ok(rest, ns, name, [{"action": "remove-snapshot-ref",
                                     "ref-name": "main"}])["metadata"]
    assert "main" not in md["refs"] and current_snapshot_id(md) is None
    assert snapshot_ids(md) == {s1["snapshot-id"], s2["snapshot-id"]}


def two_snapshots(rest, ns):
    """A table with snapshots s1 <- s2 (main); returns (name, metadata, s1, s2)."""
    name, doc = create_table(rest, ns)
    md = append(rest, ns, name, doc["metadata"])["metadata"]
    s1 = current_snapshot_id(md)
    md = append(rest, ns, name, md)["metadata"]
    return name, md, s1, current_snapshot_id(md)


def test_set_snapshot_ref_refusals(rest, ns):
    name, md, s1, s2 = two_snapshots(rest, ns)
    # SnapshotRef's builder: tags keep no snapshots
    refused(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "t2", "type": "tag",
                              "snapshot-id": s1, "min-snapshots-to-keep": 1}])
    refused(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "t2", "type": "tag",
                              "snapshot-id": s1, "max-snapshot-age-ms": 1}])
    refused(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "x", "type": "branch",
                              "snapshot-id": 424242}])
    refused(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "x", "type": "leaf",
                              "snapshot-id": s1}])


def test_main_cannot_be_a_tag(rest, ns):
    """Iceberg main (after 1.11.0): "Cannot set main to a tag, it must be a branch"."""
    name, md, s1, s2 = two_snapshots(rest, ns)
    refused(rest, ns, name, [{"action": "set-snapshot-ref", "ref-name": "main", "type": "tag",
                              "snapshot-id": s1}])


def test_add_snapshot_refusals(rest, ns):
    name, md, s1, s2 = two_snapshots(rest, ns)
    dup = snapshot(md, snapshot_id=s1, parent=s2)
    refused(rest, ns, name, [{"action": "add-snapshot", "snapshot": dup}])
    # Java 1.11: a stale sequence number is a retryable conflict (409)
    stale = snapshot(md, parent=s2)
    stale["sequence-number"] = 2
    doc = refused(rest, ns, name, [{"action": "add-snapshot", "snapshot": stale}],
                  code=409, etype="CommitFailedException")
    assert doc["error"]["message"].startswith("Validation failed, please retry:"), doc
    # without a parent, an old sequence number still may not go below a
    # stored snapshot's (Java: "Invalid snapshot with sequence number 2
    # greater than last sequence number 1")
    orphan = snapshot(md)
    orphan["sequence-number"] = 1
    refused(rest, ns, name, [{"action": "add-snapshot", "snapshot": orphan}])


def test_remove_snapshots(rest, ns):
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    ids = []
    for _ in range(3):
        updates, s = append_updates(md)
        md = commit_ok(rest, ns, name, updates)["metadata"]
        ids.append(s["snapshot-id"])
    s1, s2, s3 = ids
    md = commit_ok(rest, ns, name, [
        {"action": "set-snapshot-ref", "ref-name": "old", "type": "tag", "snapshot-id": s1},
        {"action": "set-statistics", "statistics": statistics(s1)},
        {"action": "set-partition-statistics", "partition-statistics": partition_stats(s1)},
        {"action": "set-statistics", "statistics": statistics(s3)}])["metadata"]
    # removing s1 drops its tag, its statistics and the log up to it
    md = commit_ok(rest, ns, name, [{"action": "remove-snapshots",
                                     "snapshot-ids": [s1]}])["metadata"]
    assert snapshot_ids(md) == {s2, s3}
    assert "old" not in md["refs"] and md["refs"]["main"]["snapshot-id"] == s3
    assert [e["snapshot-id"] for e in md["snapshot-log"]] == [s2, s3]
    assert [s["snapshot-id"] for s in md.get("statistics", [])] == [s3]
    assert md.get("partition-statistics", []) == []
    # removing the current one leaves no current snapshot and no main
    md = commit_ok(rest, ns, name, [{"action": "remove-snapshots",
                                     "snapshot-ids": [s3]}])["metadata"]
    assert snapshot_ids(md) == {s2} and "main" not in md["refs"]
    assert current_snapshot_id(md) is None
    assert md.get("statistics", []) == []
    # unknown ids are ignored
    same = commit_ok(rest, ns, name, [{"action": "remove-snapshots", "snapshot-ids": [12345]}])
    assert snapshot_ids(same["metadata"]) == {s2}


def statistics(sid, path="stats"):
    return {"snapshot-id": sid, "statistics-path": "file:///tmp/%s-%d.puffin" % (path, sid),
            "file-size-in-bytes": 100, "file-footer-size-in-bytes": 20,
            "blob-metadata": [{"type": "apache-datasketches-theta-v1", "snapshot-id": sid,
                               "sequence-number": 1, "fields": [1],
                               "properties": {"ndv": "3"}}]}


def partition_stats(sid):
    return {"snapshot-id": sid, "statistics-path": "file:///tmp/pstats-%d.parquet" % sid,
            "file-size-in-bytes": 42}


def test_statistics(rest, ns):
    name, _ = create_table(rest, ns)
    md = append(rest, ns, name)["metadata"]
    sid = current_snapshot_id(md)
    md = commit_ok(rest, ns, name, [
        {"action": "set-statistics", "statistics": statistics(sid)},
        {"action": "set-partition-statistics", "partition-statistics": partition_stats(sid)},
    ])["metadata"]
    assert md["statistics"] == [statistics(sid)]
    assert md["partition-statistics"] == [partition_stats(sid)]
    # one file per snapshot: a second one replaces it
    md = commit_ok(rest, ns, name, [{"action": "set-statistics",
                                     "statistics": statistics(sid, "again")}])["metadata"]
    assert md["statistics"] == [statistics(sid, "again")]
    md = commit_ok(rest, ns, name, [{"action": "remove-statistics", "snapshot-id": sid},
                                    {"action": "remove-partition-statistics",
                                     "snapshot-id": sid}])["metadata"]
    assert md.get("statistics", []) == [] and md.get("partition-statistics", []) == []
    refused(rest, ns, name, [{"action": "set-statistics", "statistics": {"snapshot-id": sid}}])
    refused(rest, ns, name, [{"action": "set-partition-statistics",
                              "partition-statistics": {"snapshot-id": sid}}])
    refused(rest, ns, name, [{"action": "remove-statistics"}])


def test_encryption_keys(rest, ns):
    name, _ = create_table(rest, ns, properties={"format-version": "3"})
    key = {"key-id": "k1", "encrypted-key-metadata": "c2VjcmV0",
           "encrypted-by-id": "master", "properties": {"algo": "AES_GCM"}}
    md = commit_ok(rest, ns, name, [{"action": "add-encryption-key",
                                     "encryption-key": key}])["metadata"]
    assert md["encryption-keys"] == [key]
    md = commit_ok(rest, ns, name, [{"action": "add-encryption-key", "encryption-key": dict(
        key, **{"key-id": "k2"})}])["metadata"]
    assert [k["key-id"] for k in md["encryption-keys"]] == ["k1", "k2"]
    md = commit_ok(rest, ns, name, [{"action": "remove-encryption-key",
                                     "key-id": "k1"}])["metadata"]
    assert [k["key-id"] for k in md["encryption-keys"]] == ["k2"]
    refused(rest, ns, name, [{"action": "add-encryption-key", "encryption-key": {"key-id": "x"}}])
    refused(rest, ns, name, [{"action": "remove-encryption-key"}])


def test_location_and_properties(rest, client, ns, server):
    name, doc = create_table(rest, ns, properties={"keep": "1", "drop": "2"})
    where = server.warehouse + "/moved/" + name
    res = commit_ok(rest, ns, name, [{"action": "set-location", "location": where}])
    assert res["metadata"]["location"] == where
    # the new file goes to the new location's metadata directory
    assert res["metadata-location"].startswith(where + "/metadata/00001-")
    assert client.get_table(ns, name).sd.location == where
    res = commit_ok(rest, ns, name, [set_props(new="3", keep="one"),
                                     {"action": "remove-properties",
                                      "removals": ["drop", "never-there"]}])
    props = res["metadata"]["properties"]
    assert props["keep"] == "one" and props["new"] == "3" and "drop" not in props
    assert res["metadata-location"].startswith(where + "/metadata/00002-")
    p = hms_params(client, ns, name)
    assert p["keep"] == "one" and p["new"] == "3" and "drop" not in p
    assert p["metadata_location"] == res["metadata-location"]
    refused(rest, ns, name, [{"action": "set-location", "location": 5}])


def test_legacy_iceberg_js_body(rest, client, ns):
    """iceberg-js 0.8.1 sends {schema?, partition-spec?, properties?}."""
    name, doc = create_table(rest, ns)
    schema = add_column_schema(doc["metadata"])
    status, res = commit(rest, ns, name, raw_body={
        "properties": {"legacy": "yes"}, "schema": schema,
        "partition-spec": {"fields": [{"source-id": 1, "name": "id_b",
                                       "transform": "bucket[4]"}]}})
    assert status == 200, res
    spec_validator().check_response(table_path(ns, name), "post", 200, res)
    md = res["metadata"]
    assert md["properties"]["legacy"] == "yes"
    assert md["current-schema-id"] == 1 and md["last-column-id"] == 4
    assert md["default-spec-id"] == 1 and md["last-partition-id"] == 1000
    assert file_version(res["metadata-location"]) == 1
    assert hms_columns(client, ns, name)[-1][0] == "extra"


# ---------------------------------------------------------------------------
# what every commit leaves behind
# ---------------------------------------------------------------------------

def test_each_commit_writes_the_next_file(rest, client, ns):
    name, doc = create_table(rest, ns)
    locs = [doc["metadata-location"]]
    mds = [doc["metadata"]]
    for i in range(1, 4):
        before = now_ms()
        res = commit_ok(rest, ns, name, [set_props(step=str(i))])
        md = res["metadata"]
        locs.append(res["metadata-location"])
        mds.append(md)
        assert file_version(res["metadata-location"]) == i
        assert exists(res["metadata-location"]) and read_json(res["metadata-location"]) == md
        # the metadata-log: each previous file with the time of its version
        assert md["metadata-log"] == [
            {"timestamp-ms": m["last-updated-ms"], "metadata-file": loc}
            for m, loc in zip(mds[:-1], locs[:-1])]
        assert md["last-updated-ms"] >= mds[-2]["last-updated-ms"]
        assert md["last-updated-ms"] >= before - 5000
        assert md["table-uuid"] == doc["metadata"]["table-uuid"]
        # the HMS mirror points at the new file and the previous one
        p = hms_params(client, ns, name)
        assert p["metadata_location"] == locs[-1]
        assert p["previous_metadata_location"] == locs[-2]
        assert p["step"] == str(i)
        got = load(rest, ns, name)
        assert got["metadata-location"] == locs[-1] and got["metadata"] == md
    # the old files stay (write.metadata.delete-after-commit.enabled is off)
    assert all(exists(x) for x in locs)


def test_last_updated_ms_is_the_commit_time(rest, ns):
    """Iceberg 1.11 keeps last-updated-ms apart from snapshot timestamps: a
    snapshot made an hour ago is logged at its own time, the table's
    last-updated-ms is the commit's (before 1.11 it was the snapshot's, and
    Java then refused the commit as going back in time)."""
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    hour_ago = now_ms() - 3600 * 1000
    snap = snapshot(md, ts=hour_ago)
    before = now_ms()
    res = commit_ok(rest, ns, name, [
        {"action": "add-snapshot", "snapshot": snap},
        {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch",
         "snapshot-id": snap["snapshot-id"]}])
    md = res["metadata"]
    assert md["snapshot-log"] == [{"timestamp-ms": hour_ago, "snapshot-id": snap["snapshot-id"]}]
    assert md["last-updated-ms"] >= before - 5000
    assert md["last-updated-ms"] >= doc["metadata"]["last-updated-ms"]


def test_previous_versions_max_bounds_the_metadata_log(rest, ns):
    name, doc = create_table(rest, ns, properties={"write.metadata.previous-versions-max": "2"})
    locs = [doc["metadata-location"]]
    for i in range(5):
        res = commit_ok(rest, ns, name, [set_props(step=str(i))])
        locs.append(res["metadata-location"])
        log = [e["metadata-file"] for e in res["metadata"]["metadata-log"]]
        assert log == locs[-3:-1], (i, log)
    # raised again: the log grows from there
    res = commit_ok(rest, ns, name, [set_props(**{"write__metadata__previous-versions-max": "10"})])
    locs.append(res["metadata-location"])
    assert [e["metadata-file"] for e in res["metadata"]["metadata-log"]] == locs[-4:-1]


def test_commits_that_change_nothing_write_no_file(rest, client, ns):
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    files = metadata_files(md["location"])
    # nothing at all
    res = commit_ok(rest, ns, name, [], [req("table-uuid", uuid=md["table-uuid"])])
    assert res["metadata-location"] == doc["metadata-location"]
    assert res["metadata"] == md
    assert metadata_files(md["location"]) == files
    assert "previous_metadata_location" not in hms_params(client, ns, name)


def test_updates_that_are_no_ops_write_no_file(rest, ns):
    """Java's builder records no change for these, and CatalogHandlers does
    not commit metadata without changes."""
    name, doc = create_table(rest, ns)
    md = doc["metadata"]
    files = metadata_files(md["location"])
    res = commit_ok(rest, ns, name, [
        {"action": "assign-uuid", "uuid": md["table-uuid"]},
        {"action": "upgrade-format-version", "format-version": md["format-version"]},
        {"action": "set-current-schema", "schema-id": 0},
        {"action": "set-default-spec", "spec-id": 0},
        {"action": "set-default-sort-order", "sort-order-id": 0},
        {"action": "set-location", "location": md["location"]},
        {"action": "remove-statistics", "snapshot-id": 1},
        {"action": "remove-partition-statistics", "snapshot-id": 1},
        {"action": "remove-snapshot-ref", "ref-name": "nothing"},
        {"action": "remove-encryption-key", "key-id": "nothing"},
        {"action": "set-properties", "updates": {}},
        {"action": "remove-properties", "removals": []},
        # identical to what the table has: reused, not added
        {"action": "add-schema", "schema": md["schemas"][0]},
        {"action": "add-spec", "spec": {"fields": []}},
        {"action": "add-sort-order", "sort-order": {"order-id": 0, "fields": []}}])
    assert res["metadata-location"] == doc["metadata-location"]
    assert res["metadata"] == md
    assert metadata_files(md["location"]) == files


def test_commit_refusals_for_missing_tables(rest, ns):
    assert_error(*commit(rest, ns, unique("ghost"), [set_props(a="1")]), 404,
                 "NoSuchTableException")
    assert_error(*commit(rest, "nope_" + ns, unique("ghost"), [set_props(a="1")]), 404,
                 "NoSuchTableException")
    name, _ = create_table(rest, ns)
    status, doc = commit(rest, ns, name, raw_body={"requirements": [], "updates": [],
                                                   "identifier": {"namespace": [ns],
                                                                  "name": name}})
    assert status == 200, doc
    spec_validator().check_response(table_path(ns, name), "post", 200, doc)


# ---------------------------------------------------------------------------
# concurrency
# ---------------------------------------------------------------------------

def test_concurrent_appends_lose_nothing(server, rest, client, ns):
    name, _ = create_table(rest, ns)
    writers, per_writer, max_attempts = 8, 10, 400
    committed, statuses, errors = [], [], []
    lock = threading.Lock()

    def writer(i):
        r = Rest(server.rest_port)
        done = attempts = 0
        try:
            while done < per_writer and attempts < max_attempts:
                attempts += 1
                status, doc = r.call("GET", table_path(ns, name))
                if status != 200:
                    with lock:
                        statuses.append(status)
                    continue
                md = doc["metadata"]
                updates, snap = append_updates(md)
                parent = current_snapshot_id(md)
                status, res = r.call("POST", table_path(ns, name), body={
                    "requirements": [req("ref-snapshot-id", ref="main", snapshot_id=parent)],
                    "updates": updates})
                with lock:
                    statuses.append(status)
                if status == 200:
                    spec_validator().check_response(table_path(ns, name), "post", 200, res)
                    assert current_snapshot_id(res["metadata"]) == snap["snapshot-id"]
                    with lock:
                        committed.append(snap["snapshot-id"])
                    done += 1
                elif status == 409:
                    assert res["error"]["type"] == "CommitFailedException", res
                    time.sleep(0.001 * (attempts % 7))
                else:
                    raise AssertionError((status, res))
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors[:5]
    assert set(statuses) <= {200, 409}, sorted(set(statuses))
    assert len(committed) == writers * per_writer
    md = load(rest, ns, name)["metadata"]
    # every acknowledged snapshot is in the history, on one unbroken chain
    assert set(committed) <= snapshot_ids(md)
    parents = {s["snapshot-id"]: s.get("parent-snapshot-id") for s in md["snapshots"]}
    chain, sid = [], current_snapshot_id(md)
    while sid is not None:
        chain.append(sid)
        sid = parents.get(sid)
    assert set(chain) == set(committed) and len(chain) == len(committed)
    assert md["last-sequence-number"] == len(committed)
    assert [e["snapshot-id"] for e in md["snapshot-log"]] == list(reversed(chain))
    loaded = load(rest, ns, name)
    assert file_version(loaded["metadata-location"]) == len(committed)
    assert hms_params(client, ns, name)["metadata_location"] == loaded["metadata-location"]

"""Partition filters: get_partitions_by_filter, get_num_partitions_by_filter,
get_part_specs_by_filter, and values, names and filters that try to break out
of their quotes.

Expected behaviour is Apache Hive's metastore filter language (Filter.g,
ExpressionTree, MetaStoreDirectSql.PartitionFilterGenerator): keys are
matched case-insensitively, values case-sensitively; integral keys compare
numerically, date keys as dates (a quoted date is parsed for a date key);
LIKE takes a Java regular expression matching the whole value; a literal of
the wrong type for its key, an unknown key or a syntax error is a
MetaException. Spark 3.5 (HiveShim.convertFilters) sends the shapes in
test_spark_filter_shapes.
"""
import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (DropPartitionsExpr, DropPartitionsRequest, FieldSchema,
                                   RequestPartsSpec)
from partlib import flatten_specs, make_db, make_table, new_part, p_name, psql

KEYS = ("s", "i", "d")
PARTS3 = [FieldSchema("s", "string", None), FieldSchema("i", "int", None),
          FieldSchema("d", "date", None)]
ROWS = [
    ("a", "1", "2024-01-01"),
    ("a", "5", "2024-01-02"),
    ("ax", "10", "2024-01-15"),
    ("b", "12", "2024-01-01"),
    ("box", "3", "2023-12-31"),
    ("x1", "99", "2024-02-29"),
    ("y", "007", "2024-03-01"),
]


def name_of(row):
    return "s=%s/i=%s/d=%s" % row


ALL = sorted(name_of(r) for r in ROWS)


@pytest.fixture
def ftable(client):
    db = make_db(client, "e2e_pfdb")
    t = make_table(client, db, parts=PARTS3)
    client.add_partitions([new_part(t, list(r)) for r in reversed(ROWS)])
    return db


def matching(pred):
    return sorted(name_of(r) for r in ROWS if pred(*r))


def by_filter(client, db, f, max_parts=-1):
    """Names from get_partitions_by_filter, checked against the other two
    filter calls."""
    parts = client.get_partitions_by_filter(db, "t", f, max_parts)
    got = [p_name(p, KEYS) for p in parts]
    specs = client.get_part_specs_by_filter(db, "t", f, max_parts)
    assert ["s=%s/i=%s/d=%s" % tuple(v) for v, _ in flatten_specs(specs)] == got, f
    if max_parts < 0:
        assert client.get_num_partitions_by_filter(db, "t", f) == len(got), f
    return got


CASES = [
    # strings: every operator, values case-sensitive, both quote styles
    ('s = "a"', lambda s, i, d: s == "a"),
    ("s = 'a'", lambda s, i, d: s == "a"),
    ('s == "a"', lambda s, i, d: s == "a"),
    ('s = "A"', lambda s, i, d: False),
    ('s != "a"', lambda s, i, d: s != "a"),
    ('s <> "a"', lambda s, i, d: s != "a"),
    ('s > "ax"', lambda s, i, d: s > "ax"),
    ('s >= "b"', lambda s, i, d: s >= "b"),
    ('s < "b"', lambda s, i, d: s < "b"),
    ('s <= "a"', lambda s, i, d: s <= "a"),
    ('"b" < s', lambda s, i, d: s > "b"),
    ('"a" = s', lambda s, i, d: s == "a"),
    # keys are case-insensitive
    ('S = "a"', lambda s, i, d: s == "a"),
    # integers compare as numbers, not as strings ("5" > "12"), "007" is 7
    ("i = 12", lambda s, i, d: int(i) == 12),
    ("i = 7", lambda s, i, d: int(i) == 7),
    ("i > 5", lambda s, i, d: int(i) > 5),
    ("5 < i", lambda s, i, d: int(i) > 5),
    ("i >= 10", lambda s, i, d: int(i) >= 10),
    ("i < 10", lambda s, i, d: int(i) < 10),
    ("i <= 3", lambda s, i, d: int(i) <= 3),
    ("i != 3", lambda s, i, d: int(i) != 3),
    ("3 != i", lambda s, i, d: int(i) != 3),
    ("i > -1", lambda s, i, d: True),
    ("100 <= i", lambda s, i, d: False),
    # dates: literals, quoted dates and date '...'
    ("d = 2024-01-01", lambda s, i, d: d == "2024-01-01"),
    ('d = "2024-01-01"', lambda s, i, d: d == "2024-01-01"),
    ("d = date '2024-01-01'", lambda s, i, d: d == "2024-01-01"),
    ("d > 2024-01-01", lambda s, i, d: d > "2024-01-01"),
    ("d >= '2024-01-15'", lambda s, i, d: d >= "2024-01-15"),
    ("d < 2024-01-01", lambda s, i, d: d < "2024-01-01"),
    ("2024-02-01 <= d", lambda s, i, d: d >= "2024-02-01"),
    ("d != 2024-01-01", lambda s, i, d: d != "2024-01-01"),
    # and / or in any case, precedence (AND binds tighter), parentheses
    ('s = "a" and i = 5', lambda s, i, d: s == "a" and i == "5"),
    ('s = "a" AND i = 5', lambda s, i, d: s == "a" and i == "5"),
    ('s = "b" Or i = 1', lambda s, i, d: s == "b" or i == "1"),
    ('s = "b" or s = "a" and i = 5', lambda s, i, d: s == "b" or (s == "a" and i == "5")),
    ('(s = "b" or s = "a") and i = 5', lambda s, i, d: s in ("a", "b") and i == "5"),
    ('((s = "a")) and (i > 1 or d = 2024-01-01)',
     lambda s, i, d: s == "a" and (int(i) > 1 or d == "2024-01-01")),
    ('s = "a" and i = 1 and d = 2024-01-01 or s = "zzz"',
     lambda s, i, d: (s, i, d) == ("a", "1", "2024-01-01")),
    # between / not between
    ("i between 3 and 10", lambda s, i, d: 3 <= int(i) <= 10),
    ("i not between 3 and 10", lambda s, i, d: not 3 <= int(i) <= 10),
    ("i BETWEEN 10 AND 3", lambda s, i, d: False),
    ('s between "a" and "b"', lambda s, i, d: "a" <= s <= "b"),
    ("d between 2024-01-01 and 2024-01-15", lambda s, i, d: "2024-01-01" <= d <= "2024-01-15"),
    ("d between '2024-01-02' and '2024-12-31' and s = 'x1'",
     lambda s, i, d: s == "x1"),
    # in / not in
    ("(s) in ('a', 'b')", lambda s, i, d: s in ("a", "b")),
    ("(s) not in ('a', 'b')", lambda s, i, d: s not in ("a", "b")),
    ("(i) in (1, 12, 7)", lambda s, i, d: int(i) in (1, 12, 7)),
    ("(i) NOT IN (1, 12)", lambda s, i, d: int(i) not in (1, 12)),
    ("(d) in (2024-01-01, 2024-02-29)", lambda s, i, d: d in ("2024-01-01", "2024-02-29")),
    # like: a Java regular expression matching the whole value
    ('s like "a.*"', lambda s, i, d: s.startswith("a")),
    ('s like ".*x.*"', lambda s, i, d: "x" in s),
    ('s like ".*x"', lambda s, i, d: s.endswith("x")),
    ('s like "b"', lambda s, i, d: s == "b"),
    ('s like "b.x"', lambda s, i, d: s == "box"),
    ('s LIKE "(a|b)"', lambda s, i, d: s in ("a", "b")),
    ('s like "[ab]x?"', lambda s, i, d: s in ("a", "ax", "b")),
    # no filter at all
    ("", lambda s, i, d: True),
]


def test_filter_cases(client, ftable):
    for f, pred in CASES:
        assert by_filter(client, ftable, f) == matching(pred), f


def test_spark_filter_shapes(client, ftable):
    """What HiveShim.convertFilters (Spark 3.5) sends."""
    db = ftable
    for f, pred in [
            ('s = "a" and i = 5', lambda s, i, d: s == "a" and i == "5"),
            ("5 < i", lambda s, i, d: int(i) > 5),
            ("i != 3", lambda s, i, d: int(i) != 3),
            ("(i = 1 or i = 12)", lambda s, i, d: int(i) in (1, 12)),
            ("(i >= 10 and i <= 99)", lambda s, i, d: 10 <= int(i) <= 99),
            ('s like ".*x.*"', lambda s, i, d: "x" in s),
            ('s like "b.*"', lambda s, i, d: s.startswith("b")),
            ('s like ".*1"', lambda s, i, d: s.endswith("1")),
            ("d = 2024-01-01", lambda s, i, d: d == "2024-01-01"),
            ('(d >= 2024-01-01 and s = "a")', lambda s, i, d: d >= "2024-01-01" and s == "a"),
            ('(s != "a" and s != "b")', lambda s, i, d: s not in ("a", "b"))]:
        assert by_filter(client, db, f) == matching(pred), f
    # Spark's In(...) of many values: a left-deep chain of parenthesised ORs
    chain = "i = 0"
    for n in range(1, 300):
        chain = "(%s or i = %d)" % (chain, n)
    assert by_filter(client, db, chain) == matching(lambda s, i, d: int(i) < 300)


def test_filter_max_parts(client, ftable):
    db = ftable
    assert by_filter(client, db, 'i > 0', 2) == ALL[:2]
    assert by_filter(client, db, 'i > 0', 0) == []
    assert by_filter(client, db, 's like "a.*"', 1) == ALL[:1]
    assert by_filter(client, db, "", 3) == ALL[:3]
    assert client.get_num_partitions_by_filter(db, "t", "") == len(ROWS)


def test_filter_errors(client, ftable):
    db = ftable
    bad = [
        # unknown key ("Specified key <nokey> is not a partitioning key for the table")
        ('nokey = "a"', "nokey"),
        # syntax errors, with their position
        ('s = ', "position"),
        ('(s = "a"', "position"),
        ('s = "a" and', "position"),
        ('s = "a" i = 1', "position"),
        ('s = = "a"', "position"),
        ("s = 'unterminated", "position"),
        ("i = 1 & i = 2", "position"),
        ("i = 99999999999999999999", "position"),
        ("d = 2024-02-30", "position"),
        # a literal of another type than its key
        ('i = "abc"', None),
        ("i = 2024-01-01", None),
        ('i like "1.*"', None),
        ("d = 5", None),
        # an invalid regular expression
        ('s like "(unclosed"', None),
    ]
    check_errors(client, db, bad)


def check_errors(client, db, bad):
    for f, text in bad:
        for call in (lambda: client.get_partitions_by_filter(db, "t", f, -1),
                     lambda: client.get_num_partitions_by_filter(db, "t", f),
                     lambda: client.get_part_specs_by_filter(db, "t", f, -1)):
            with pytest.raises(ttypes.MetaException) as e:
                call()
            if text:
                assert text in e.value.message, (f, e.value.message)


def test_filter_literal_must_have_the_key_type(client, ftable):
    """Hive cannot push down a comparison of a key with a literal of another
    type (PartitionFilterGenerator: "Cannot push down filter for int column
    and value class java.lang.String"), and its JDO fallback filters only
    string keys with string literals (ExpressionTree.LeafNode: "Filtering is
    supported only on partition keys of type string"): MetaException, even
    where the text would compare equal."""
    check_errors(client, ftable, [("s = 5", None), ("s > 5", None), ('i = "12"', None),
                                  ('i > "5"', None)])


def test_filter_missing_table(client):
    db = make_db(client)
    nodb = unique("e2e_nodb")
    for d, tb in ((db, "missing"), (nodb, "t")):
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partitions_by_filter(d, tb, 'ds = "a"', -1)
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_num_partitions_by_filter(d, tb, 'ds = "a"')
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_part_specs_by_filter(d, tb, 'ds = "a"', -1)


def test_filter_on_table_without_partitions(client):
    db = make_db(client)
    make_table(client, db)
    assert client.get_partitions_by_filter(db, "t", 'ds = "a"', -1) == []
    assert client.get_num_partitions_by_filter(db, "t", "hr > 1") == 0
    assert flatten_specs(client.get_part_specs_by_filter(db, "t", "", -1)) == []


# ---------------------------------------------------------------------------
# hostile values, names and filters: stored verbatim, never executed
# ---------------------------------------------------------------------------

HOSTILE = [
    "x'); drop table ms_partitions; --",
    "'; DELETE FROM ms_tables; --",
    "a' OR '1'='1",
    '" or "1"="1',
    "$1",
    "%",
    "_",
    "\\",
    "\\'",
    "ms_partitions.*",
    "\u65e5\u672c\u8a9e \u00e9",
]


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def test_hostile_values_and_names(server, client):
    db = make_db(client, "e2e_pinj")
    t = make_table(client, db, parts=[FieldSchema("p", "string", None),
                                      FieldSchema("n", "int", None)])
    for k, v in enumerate(HOSTILE):
        client.add_partition(new_part(t, [v, str(k)], params={"v": v}))
    before = int(psql(server, "SELECT count(*) FROM ms_partitions").strip())
    for k, v in enumerate(HOSTILE):
        p = client.get_partition(db, "t", [v, str(k)])
        assert p.values == [v, str(k)] and p.parameters["v"] == v
        name = p_name(p, ("p", "n"))
        assert client.get_partition_by_name(db, "t", name).values == [v, str(k)]
        assert [q.values for q in client.get_partitions_by_names(db, "t", [name])] == [[v, str(k)]]
        assert [q.values for q in client.get_partitions_ps(db, "t", [v], -1)] == [[v, str(k)]]
    # drop one by its hostile name
    v0 = HOSTILE[0]
    assert client.drop_partition_by_name(db, "t", p_name(client.get_partition(
        db, "t", [v0, "0"]), ("p", "n")), False)
    # everything else is still there
    after = int(psql(server, "SELECT count(*) FROM ms_partitions").strip())
    assert after == before - 1
    assert psql(server, "SELECT count(*) FROM ms_tables WHERE name = 't' AND db_id = "
                        "(SELECT db_id FROM ms_databases WHERE name = %s)"
                % sql_literal(db)).strip() == "1"
    assert len(client.get_partitions(db, "t", -1)) == len(HOSTILE) - 1
    assert client.get_table(db, "t").tableName == "t"


def test_hostile_filters(server, client):
    db = make_db(client, "e2e_pinjf")
    t = make_table(client, db, parts=[FieldSchema("p", "string", None),
                                      FieldSchema("n", "int", None)])
    for k, v in enumerate(HOSTILE):
        client.add_partition(new_part(t, [v, str(k)]))
    before = int(psql(server, "SELECT count(*) FROM ms_partitions").strip())
    for k, v in enumerate(HOSTILE):
        # the value in a filter, in whichever quotes it does not contain (Hive
        # keeps a backslash and the character after it as they are, so a value
        # ending in a backslash cannot be written)
        if v.endswith("\\"):
            continue
        if "'" not in v:
            f = "p = '%s'" % v
        elif '"' not in v:
            f = 'p = "%s"' % v
        else:
            continue
        got = client.get_partitions_by_filter(db, "t", f, -1)
        assert [q.values for q in got] == [[v, str(k)]], f
    # quotes broken out of: no match, or a MetaException, never more rows
    for f in ("p = 'a' OR '1'='1'", 'p = "" or "1"="1"', "p = 'x'); drop table ms_partitions; --'",
              "p like '.*' ; drop table ms_partitions", "n = 1; drop table ms_partitions"):
        try:
            got = client.get_partitions_by_filter(db, "t", f, -1)
        except ttypes.MetaException:
            continue
        assert len(got) <= 1, f
    # the same through drop_partitions_req expressions
    res = client.drop_partitions_req(DropPartitionsRequest(
        dbName=db, tblName="t", parts=RequestPartsSpec(exprs=[DropPartitionsExpr(
            expr='p = "x\'); drop table ms_partitions; --"'.encode("utf-8"))])))
    assert [q.values for q in res.partitions] == [[HOSTILE[0], "0"]]
    assert int(psql(server, "SELECT count(*) FROM ms_partitions").strip()) == before - 1
    assert len(client.get_partitions(db, "t", -1)) == len(HOSTILE) - 1


def test_oversized_filters_are_refused_before_any_work(server, client, ftable):
    """Issue 12 defect 10: a 100,000-term OR reached PostgreSQL's
    65,535-parameter limit (an unclear error) after the server grew to
    139 MB. A filter is bounded in values and bytes, with a clear
    MetaException, and the server stays small and up."""
    db, name, key = ftable, "t", PARTS3[0].name
    terms = " or ".join("%s = '%d'" % (key, i) for i in range(100000))
    with pytest.raises(ttypes.MetaException) as e:
        client.get_partitions_by_filter(db, name, terms, -1)
    assert "a filter is at most 1048576 bytes long" in e.value.message, e.value.message
    terms = " or ".join("%s = '%d'" % (key, i) for i in range(20000))
    with pytest.raises(ttypes.MetaException) as e:
        client.get_partitions_by_filter(db, name, terms, -1)
    assert "a filter holds at most 10000 values" in e.value.message, e.value.message
    with pytest.raises(ttypes.MetaException) as e:
        client.get_num_partitions_by_filter(db, name, "%s = '%s'" % (key, "x" * (2 << 20)))
    assert "a filter is at most 1048576 bytes long" in e.value.message, e.value.message
    # 10,000 values are still served
    terms = " or ".join("%s = '%d'" % (key, i) for i in range(10000))
    client.get_partitions_by_filter(db, name, terms, -1)
    assert client.get_database("default").name == "default"

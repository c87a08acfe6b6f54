"""Strings that are not text at the Thrift door (issue 12, defect 1).

A Thrift string is a length and bytes; C reads it as text up to its first
NUL. "nul\\0suffix" used to create the database "nul", and
drop_table(db, "keep\\0zzz", True) dropped the table "keep" with its data.
Every string of a call, wherever it sits (names, patterns, filters,
locations, partition values, nested structs), is refused when it holds a
NUL or is not valid UTF-8, before any method runs: with
InvalidObjectException when the method declares it (create and alter
shaped calls), else MetaException (a TApplicationException for the few
methods that declare neither), and the connection keeps working.
create_database's refusals are cases in tests/data/thrift.
"""
import os

import pytest
from thrift.Thrift import TApplicationException
from thrift.protocol import TBinaryProtocol
from thrift.transport import TSocket, TTransport

from conftest import unique
from hive_metastore import ThriftHiveMetastore
from hive_metastore.ttypes import Database, InvalidObjectException, MetaException
from partlib import add, local_path, make_db, make_table, new_part


class RawStringProtocol(TBinaryProtocol.TBinaryProtocol):
    """The binary protocol, but a bytes value is sent as it is (so a test
    can send bytes that are not UTF-8)."""

    def writeString(self, value):
        self.writeBinary(value if isinstance(value, bytes) else value.encode("utf-8"))


@pytest.fixture
def raw(server):
    sock = TSocket.TSocket("127.0.0.1", server.port)
    sock.setTimeout(10000)
    trans = TTransport.TBufferedTransport(sock)
    trans.open()
    yield ThriftHiveMetastore.Client(RawStringProtocol(trans))
    trans.close()


def test_nul_table_name_drops_nothing(client, raw):
    db = make_db(client)
    t = make_table(client, db, "keep", parts=[])
    data = local_path(t.sd.location)
    assert os.path.isdir(data)
    with pytest.raises(MetaException):
        raw.drop_table(db, "keep\x00zzz", True)
    assert client.get_table(db, "keep").tableName == "keep"
    assert os.path.isdir(data)
    # the fast paths read their arguments through the same reader
    with pytest.raises(MetaException):
        raw.get_table(db, "keep\x00zzz")
    # a method that declares no exception answers TApplicationException
    with pytest.raises(TApplicationException):
        raw.get_table_objects_by_name(db, ["keep\x00zzz"])
    assert raw.get_table(db, "keep").tableName == "keep"


def test_strings_in_patterns_filters_values_and_locations(server, client, raw):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"])
    with pytest.raises(MetaException):
        raw.get_databases(db + "\x00*")
    with pytest.raises(MetaException):
        raw.get_tables(db, b"*\xff")
    with pytest.raises(MetaException):
        raw.get_partitions(db, "t\x00x", -1)
    with pytest.raises(MetaException):
        raw.get_partitions_by_filter(db, "t", "ds = 'a'\x00 or 1 = 1", -1)
    with pytest.raises(MetaException):
        raw.get_partition_names(db, b"t\xc3", -1)
    # partition values and locations nested in structs
    with pytest.raises(InvalidObjectException):
        raw.add_partition(new_part(t, ["b\x00c", "1"]))
    outside = server.warehouse + "/ok\x00/../../../etc"
    with pytest.raises(InvalidObjectException):
        raw.add_partition(new_part(t, ["b", "1"], location=outside))
    with pytest.raises(MetaException):
        raw.drop_partition(db, "t", ["a\x00", "1"], True)
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1"]
    # parameters are strings too
    with pytest.raises(InvalidObjectException):
        raw.create_database(Database(name=unique("p"), parameters={"k": b"\xff"}))


def test_valid_utf8_is_untouched(client, raw):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["\u00e9t\u00e9 \u2603 \U0001F600", "1"])
    assert raw.get_partition_names(db, "t", -1) == [
        "ds=\u00e9t\u00e9 \u2603 \U0001F600/hr=1"]

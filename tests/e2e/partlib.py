"""Helpers shared by the test_partitions_*.py files (the HMS partition API).

Not a test module: tables with partition keys, Partition objects built the
way Spark and Hive build them (a copy of the table's storage descriptor with
the values set), Hive's partition-name escaping (FileUtils.escapePathName)
and small readers of what the server returned.
"""
import copy
import os
import urllib.parse

from conftest import unique
from hive_metastore.ttypes import (Database, FieldSchema, Partition, SerDeInfo, StorageDescriptor,
                                   Table)

PARQUET_IN = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

# ds string, hr int: the shape of most Hive and Spark tables
DS_HR = [FieldSchema("ds", "string", None), FieldSchema("hr", "int", None)]

# Characters FileUtils.escapePathName turns into %XX (besides the control
# characters 0x01-0x1F and DEL): "#%'*/:=?\{[]^
_ESCAPED = set('"#%\'*/:=?\\{[]^') | {chr(c) for c in range(1, 0x20)} | {"\x7f"}


def escape(value):
    """Hive's FileUtils.escapePathName (on Linux): NULL and "" become the
    default partition name, the characters above become %XX (upper-case hex),
    everything else, spaces and non-ASCII included, stays."""
    if value is None or value == "":
        return "__HIVE_DEFAULT_PARTITION__"
    return "".join("%%%02X" % ord(c) if c in _ESCAPED else c for c in value)


def part_name(keys, values):
    """Warehouse.makePartName: escape(lower(key))=escape(value) joined by '/'."""
    return "/".join("%s=%s" % (escape(k.lower()), escape(v)) for k, v in zip(keys, values))


def local_path(uri):
    """The local path of a file: URI, without decoding %XX (Hadoop keeps the
    escaped partition name as the directory name)."""
    assert uri.startswith("file:"), uri
    return urllib.parse.urlparse(uri).path


def stored(uri):
    """A location a client gave, as the Java metastore stores it
    (Warehouse.getDnsPath): file:///p -> file:/p (test_locations.py)."""
    return "file:" + local_path(uri) if uri.startswith("file:") else uri


def psql(server, sql):
    return server.pg.psql(server.db, sql).stdout


def make_db(client, prefix="e2e_pdb"):
    name = unique(prefix)
    client.create_database(Database(name=name, parameters={}))
    return name


def make_table(client, db, name="t", parts=None, cols=None, location=None,
               ttype="MANAGED_TABLE", params=None):
    """Create a table (partition keys 'parts', default ds string + hr int)
    and return it as the server has it."""
    cols = cols if cols is not None else [FieldSchema("id", "bigint", "the id"),
                                          FieldSchema("name", "string", None)]
    sd = StorageDescriptor(cols=cols, location=location, inputFormat=PARQUET_IN,
                           outputFormat=PARQUET_OUT, compressed=False, numBuckets=-1,
                           serdeInfo=SerDeInfo(name=None, serializationLib=PARQUET_SERDE,
                                               parameters={"serialization.format": "1"}),
                           bucketCols=[], sortCols=[], parameters={})
    params = dict(params or {})
    if ttype == "EXTERNAL_TABLE":
        params.setdefault("EXTERNAL", "TRUE")
    client.create_table(Table(tableName=name, dbName=db, owner="alice", sd=sd,
                              partitionKeys=DS_HR if parts is None else parts,
                              parameters=params, tableType=ttype))
    return client.get_table(db, name)


def new_part(table, values, location=None, params=None, db=None, name=None):
    """A Partition as Spark sends it: the table's storage descriptor with the
    partition's location (None: the server chooses the default)."""
    sd = copy.deepcopy(table.sd)
    sd.location = location
    return Partition(values=list(values), dbName=db or table.dbName,
                     tableName=name or table.tableName, sd=sd, parameters=dict(params or {}),
                     lastAccessTime=0)


def add(client, table, *value_lists, **kw):
    """Add partitions (one add_partitions call) and return their names."""
    client.add_partitions([new_part(table, v, **kw) for v in value_lists])
    return [part_name([k.name for k in table.partitionKeys], v) for v in value_lists]


def names(parts):
    """The names of Partition objects (for keys ds, hr unless given)."""
    return [p_name(p) for p in parts]


def p_name(p, keys=("ds", "hr")):
    return part_name(keys[:len(p.values)], p.values)


def vals(parts):
    return [p.values for p in parts]


def table_dir(table):
    return local_path(table.sd.location.rstrip("/"))


def loc(table, name):
    """The default location of partition 'name' of 'table'."""
    return table.sd.location.rstrip("/") + "/" + name


def flatten_specs(specs):
    """(values, location) of every partition in a list of PartitionSpec, in
    order, whichever form each spec uses."""
    out = []
    for s in specs:
        if s.partitionList is not None:
            out += [(p.values, p.sd.location) for p in s.partitionList.partitions or []]
        if s.sharedSDPartitionSpec is not None:
            shared = s.sharedSDPartitionSpec
            for p in shared.partitions or []:
                out.append((p.values, (shared.sd.location or "") + (p.relativePath or "")))
    return out


def exists(table, name):
    return os.path.isdir(os.path.join(table_dir(table), name))


def count_partition_rows(server, db):
    return int(psql(server, "SELECT count(*) FROM ms_partitions p JOIN ms_tables t "
                            "USING (table_id) JOIN ms_databases d USING (db_id) "
                            "WHERE d.name = '%s'" % db).strip())

"""Clients that hold no storage keys, on real MinIO: vended credentials
(MinIO's STS AssumeRole with a session policy) and remote signing.

The metastore under test here is one of its own: storage.sts_endpoint is
MinIO's endpoint, remote signing is on, OAuth is on with a writer and a
read-only reader (storage.read_only_principals). Its S3 keys are MinIO's
root keys (this MinIO version lets root call AssumeRole; the session policy
narrows what the credentials may do).

- PyIceberg (pyarrow FileIO) with only the catalog URI and its OAuth
  credential: create, append, scan, through vended credentials;
- scope is real: credentials vended for table A read and write A, and
  MinIO refuses reads, writes and listings under table B; the reader's
  credentials read A and may not write it;
- remote signing: MinIO accepts a request signed through A's route, a
  sign request for B's location through A's route is 403; PyIceberg with
  remote signing (s3fs FileIO) creates, appends and scans when s3fs is
  installed in the engines venv;
- Spark 3.5 with Iceberg 1.12's REST catalog and S3FileIO, no storage
  keys, with header.X-Iceberg-Access-Delegation=vended-credentials and
  with remote-signing (its signer asks the token endpoint for the scope
  "sign"): create, insert, select, and CREATE TABLE AS SELECT (a staged
  create: its files are written before the table exists);
- Trino 476's REST catalog with iceberg.rest-catalog.vended-credentials-enabled
  and no S3 keys: create, insert, select.
"""
import datetime
import os

import pytest
import requests

import components
from authlib import get_token
from servers import unique

VERSION = "0.12.0"
WRITER = ("writer", "writer-secret-0123456789")
READER = ("reader", "reader-secret-0123456789")


@pytest.fixture(scope="module")
def ms(pg, minio):
    components.opted_out("pyiceberg")
    m = components.Metastore(pg, minio, name="vended", sets=[
        "storage.sts_endpoint=%s" % minio.endpoint, "storage.remote_signing=true",
        "storage.vend_duration_s=900", "rest.auth=oauth",
        "rest.oauth.clients=%s:%s,%s:%s" % (WRITER + READER),
        "storage.read_only_principals=reader"])
    yield m
    m.stop_and_check()


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    """The clients here hold no storage keys: none in the environment."""
    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


def catalog(ms, who, delegation):
    from pyiceberg.catalog import load_catalog
    return load_catalog("vended-" + unique("c"), **{
        "type": "rest", "uri": ms.rest_uri, "credential": "%s:%s" % who,
        "header.X-Iceberg-Access-Delegation": delegation})


def schema():
    from pyiceberg.schema import Schema
    from pyiceberg.types import LongType, NestedField, StringType
    return Schema(NestedField(1, "id", LongType(), required=True),
                  NestedField(2, "name", StringType()))


def rows(ids):
    import pyarrow as pa
    return pa.table({"id": pa.array(ids, pa.int64()), "name": ["n%d" % i for i in ids]},
                    schema=pa.schema([pa.field("id", pa.int64(), nullable=False),
                                      pa.field("name", pa.string())]))


def rest(ms, who, method, path, body=None, headers=None):
    token = get_token(int(ms.rest_uri.rsplit(":", 1)[1]), *who)
    return ms.rest(method, path, body, dict({"Authorization": "Bearer " + token},
                                            **(headers or {})))


def s3_client(creds, minio):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=minio.endpoint, region_name=minio.region,
                        aws_access_key_id=creds["s3.access-key-id"],
                        aws_secret_access_key=creds["s3.secret-access-key"],
                        aws_session_token=creds["s3.session-token"],
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


def two_tables(cat, ns):
    cat.create_namespace(ns, {"location": "s3://warehouse/%s" % ns})
    a = cat.create_table((ns, "a"), schema())
    b = cat.create_table((ns, "b"), schema())
    return a, b


def denied(call):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as e:
        call()
    assert e.value.response["Error"]["Code"] == "AccessDenied", e.value.response
    return True


def test_pyiceberg_vended_credentials(ms, minio, tag):
    tag("PyIceberg", VERSION, "rest (vended credentials, MinIO STS)",
        "no client keys: create, append, scan")
    cat = catalog(ms, WRITER, "vended-credentials")
    ns = unique("vend")
    a, _ = two_tables(cat, ns)
    assert "s3.session-token" in a.io.properties
    assert a.io.properties["s3.access-key-id"] != minio.access_key
    a.append(rows([1, 2, 3]))
    a.append(rows([4]))
    back = catalog(ms, WRITER, "vended-credentials").load_table((ns, "a"))
    got = sorted(r["id"] for r in back.scan().to_arrow().to_pylist())
    assert got == [1, 2, 3, 4]
    keys = minio.keys("warehouse", "%s/a/data/" % ns)
    assert keys and all(k.endswith(".parquet") for k in keys)


def test_vended_scope_is_one_table(ms, minio, tag):
    tag("MinIO", "STS", "rest (vended credentials)",
        "credentials of table A: B refused; the reader's: A read-only")
    cat = catalog(ms, WRITER, "vended-credentials")
    ns = unique("scope")
    a, b = two_tables(cat, ns)
    st, doc = rest(ms, WRITER, "GET", "/v1/namespaces/%s/tables/a/credentials" % ns)
    assert st == 200, doc
    [cred] = doc["storage-credentials"]
    assert cred["prefix"] == a.location()
    s3 = s3_client(cred["config"], minio)
    a_key = a.metadata_location.split("/", 3)[3]
    b_key = b.metadata_location.split("/", 3)[3]
    assert s3.get_object(Bucket="warehouse", Key=a_key)["Body"].read()
    s3.put_object(Bucket="warehouse", Key="%s/a/data/probe" % ns, Body=b"x")
    s3.delete_object(Bucket="warehouse", Key="%s/a/data/probe" % ns)
    s3.list_objects_v2(Bucket="warehouse", Prefix="%s/a/" % ns)
    assert denied(lambda: s3.get_object(Bucket="warehouse", Key=b_key))
    assert denied(lambda: s3.put_object(Bucket="warehouse", Key="%s/b/data/x" % ns, Body=b"x"))
    assert denied(lambda: s3.list_objects_v2(Bucket="warehouse", Prefix="%s/b/" % ns))
    assert denied(lambda: s3.list_objects_v2(Bucket="warehouse", Prefix="%s/" % ns))
    # a table whose name extends A's ("a" and "ab") is not A
    assert denied(lambda: s3.put_object(Bucket="warehouse", Key="%s/ab/x" % ns, Body=b"x"))
    # the reader's credentials: read A, never write it
    st, doc = rest(ms, READER, "GET", "/v1/namespaces/%s/tables/a" % ns,
                   headers={"X-Iceberg-Access-Delegation": "vended-credentials"})
    assert st == 200, doc
    ro = s3_client(doc["storage-credentials"][0]["config"], minio)
    assert doc["config"]["s3.session-token-expires-at-ms"].isdigit()
    assert ro.get_object(Bucket="warehouse", Key=a_key)["Body"].read()
    assert denied(lambda: ro.put_object(Bucket="warehouse", Key="%s/a/data/y" % ns, Body=b"x"))
    assert denied(lambda: ro.delete_object(Bucket="warehouse", Key=a_key))


def test_vended_on_stage_create_and_register(ms, minio, tag):
    tag("MinIO", "STS", "rest (vended credentials)",
        "stage-create and registerTable answer credentials for the table's location")
    cat = catalog(ms, WRITER, "vended-credentials")
    ns = unique("stage")
    a, _ = two_tables(cat, ns)
    vended = {"X-Iceberg-Access-Delegation": "vended-credentials"}
    st, doc = rest(ms, WRITER, "POST", "/v1/namespaces/%s/tables" % ns,
                   {"name": "staged", "stage-create": True,
                    "schema": {"type": "struct", "schema-id": 0, "fields": [
                        {"id": 1, "name": "id", "required": True, "type": "long"}]}},
                   headers=vended)
    assert st == 200, doc
    assert doc.get("metadata-location") is None
    [cred] = doc["storage-credentials"]
    assert cred["prefix"] == "s3://warehouse/%s/staged" % ns
    assert doc["config"]["s3.session-token"] == cred["config"]["s3.session-token"]
    s3 = s3_client(cred["config"], minio)
    s3.put_object(Bucket="warehouse", Key="%s/staged/data/f" % ns, Body=b"x")
    assert denied(lambda: s3.put_object(Bucket="warehouse", Key="%s/a/data/f" % ns, Body=b"x"))
    st, doc = rest(ms, WRITER, "POST", "/v1/namespaces/%s/register" % ns,
                   {"name": "again", "metadata-location": a.metadata_location}, headers=vended)
    assert st == 200, doc
    assert doc["storage-credentials"][0]["prefix"] == a.location()


def sign(ms, who, ns, table, uri, method="GET"):
    return rest(ms, who, "POST", "/v1/namespaces/%s/tables/%s/sign" % (ns, table),
                {"region": "us-east-1", "uri": uri, "method": method,
                 "headers": {"x-amz-content-sha256": ["UNSIGNED-PAYLOAD"]}})


def test_remote_signing_on_minio(ms, minio, tag):
    tag("MinIO", "SigV4", "rest (remote signing)",
        "signed through A's route: accepted; B's location through A's route: 403")
    cat = catalog(ms, WRITER, "vended-credentials")
    ns = unique("sign")
    a, b = two_tables(cat, ns)
    url = "%s/warehouse/%s" % (minio.endpoint, a.metadata_location.split("/", 3)[3])
    st, doc = sign(ms, WRITER, ns, "a", url)
    assert st == 200, doc
    hdrs = {k: v[0] for k, v in doc["headers"].items()}
    hdrs["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    r = requests.get(url, headers=hdrs, timeout=30)
    assert r.status_code == 200 and b"table-uuid" in r.content, r.text
    # a PUT under A, signed for the writer, lands
    put_url = "%s/warehouse/%s/a/data/signed-probe" % (minio.endpoint, ns)
    st, doc = sign(ms, WRITER, ns, "a", put_url, "PUT")
    assert st == 200, doc
    hdrs = {k: v[0] for k, v in doc["headers"].items()}
    hdrs["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    assert requests.put(put_url, data=b"hello", headers=hdrs, timeout=30).status_code == 200
    assert "%s/a/data/signed-probe" % ns in minio.keys("warehouse", "%s/a/" % ns)
    # B's location through A's route, and the reader's PUT
    b_url = "%s/warehouse/%s" % (minio.endpoint, b.metadata_location.split("/", 3)[3])
    st, doc = sign(ms, WRITER, ns, "a", b_url)
    assert st == 403 and doc["error"]["type"] == "ForbiddenException", doc
    st, doc = sign(ms, READER, ns, "a", put_url, "PUT")
    assert st == 403, doc


def test_pyiceberg_remote_signing(ms, minio, tag):
    tag("PyIceberg", VERSION, "rest (remote signing, s3fs)", "no client keys: create, append, scan")
    try:
        import s3fs  # noqa: F401
    except ImportError:
        pytest.skip("s3fs is not in the engines venv (PyIceberg signs only through its "
                    "fsspec FileIO)")
    cat = catalog(ms, WRITER, "remote-signing")
    ns = unique("rsign")
    cat.create_namespace(ns, {"location": "s3://warehouse/%s" % ns})
    t = cat.create_table((ns, "t"), schema())
    assert t.io.properties.get("s3.remote-signing-enabled") == "true"
    assert "s3.access-key-id" not in t.io.properties
    t.append(rows([7, 8]))
    back = catalog(ms, WRITER, "remote-signing").load_table((ns, "t"))
    assert sorted(r["id"] for r in back.scan().to_arrow().to_pylist()) == [7, 8]
    assert minio.keys("warehouse", "%s/t/data/" % ns)


def spark_without_keys(ms, minio, delegation, ns):
    """Spark's Iceberg REST catalog with S3FileIO and no storage key anywhere
    in the session: create, insert, select, and CREATE TABLE AS SELECT (a
    staged create) through 'delegation'."""
    sp = components.Spark(ms, minio)
    for k in [k for k in sp.conf if k.startswith("spark.hadoop.fs.s3a.")]:
        del sp.conf[k]     # no storage keys anywhere in the session
    p = "spark.sql.catalog.vend"
    conf = {
        "spark.sql.extensions":
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        p: "org.apache.iceberg.spark.SparkCatalog",
        p + ".type": "rest",
        p + ".uri": ms.rest_uri,
        p + ".credential": "%s:%s" % WRITER,
        p + ".oauth2-server-uri": ms.rest_uri + "/v1/oauth/tokens",
        p + ".header.X-Iceberg-Access-Delegation": delegation,
        p + ".io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
    }
    out = sp.run("vended:write_and_read", {"cat": "vend", "ns": ns,
                                           "location": "s3://warehouse/%s" % ns},
                 conf=conf, log_name=delegation)
    assert out["ids"] == [1, 2, 3], out
    assert out["files"] and all(f.startswith("s3://warehouse/%s/t/data/" % ns)
                                for f in out["files"]), out
    assert minio.keys("warehouse", "%s/t/data/" % ns)
    assert out["ctas"] == [10, 20, 30], out          # a staged create
    assert minio.keys("warehouse", "%s/c/data/" % ns)


def test_spark_vended_credentials(ms, minio, tag):
    components.opted_out("spark")
    import spark_iceberg
    tag("Spark", "3.5.7 + Iceberg %s" % spark_iceberg.ICEBERG_VERSION,
        "rest (vended credentials, S3FileIO)", "no client keys: create, insert, select, CTAS")
    spark_without_keys(ms, minio, "vended-credentials", unique("spvend"))


def test_spark_remote_signing(ms, minio, tag):
    """Iceberg's Java signer fetches its own token with the scope "sign"
    (client credentials of the catalog's `credential`) and signs every S3
    request of S3FileIO through .../sign."""
    components.opted_out("spark")
    import spark_iceberg
    tag("Spark", "3.5.7 + Iceberg %s" % spark_iceberg.ICEBERG_VERSION,
        "rest (remote signing, S3FileIO)", "no client keys: create, insert, select, CTAS")
    before = sign_requests(ms)
    spark_without_keys(ms, minio, "remote-signing", unique("spsign"))
    assert sign_requests(ms) > before      # S3FileIO's requests went through .../sign


def sign_requests(ms):
    return sum(int(v) for (name, labels), v in ms.metrics().items()
               if name == "metastore_rest_request_duration_seconds_count"
               and dict(labels).get("route", "").endswith("/sign"))


def test_trino_vended_credentials(ms, minio, tag):
    import trino_server
    tag("Trino", trino_server.VERSION, "iceberg REST (vended credentials, native S3)",
        "no S3 keys: create, insert, select")
    catalog = ("connector.name=iceberg\n"
               "iceberg.catalog.type=rest\n"
               "iceberg.rest-catalog.uri=%s\n"
               "iceberg.rest-catalog.security=OAUTH2\n"
               "iceberg.rest-catalog.oauth2.credential=%s:%s\n"
               "iceberg.rest-catalog.vended-credentials-enabled=true\n"
               "fs.native-s3.enabled=true\n"
               "s3.endpoint=%s\n"
               "s3.region=%s\n"
               "s3.path-style-access=true\n" % ((ms.rest_uri,) + WRITER
                                                 + (minio.endpoint, minio.region)))
    t = trino_server.Trino(ms, minio, extra_catalogs={"vend": catalog})
    try:
        ns = unique("trvend")
        t.query("CREATE SCHEMA vend.%s WITH (location = 's3://warehouse/%s')" % (ns, ns))
        t.query("CREATE TABLE vend.%s.t (id BIGINT, name VARCHAR)" % ns)
        t.query("INSERT INTO vend.%s.t VALUES (1, 'a'), (2, 'b')" % ns)
        assert t.query("SELECT id FROM vend.%s.t ORDER BY id" % ns) == [[1], [2]]
        # Trino places the table at <schema location>/t-<uuid>
        assert [k for k in minio.keys("warehouse", "%s/t" % ns) if "/data/" in k]
    finally:
        t.stop()

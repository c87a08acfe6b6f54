"""One catalog per prefix, each with its own storage settings (issue 16,
point 4): [catalog.<name>] groups give the catalogs alpha and beta their
own S3 server, keys, allowed locations and delegation; the catalog plain
(made through Thrift's create_catalog) and the default catalog hive have
no group and use the global s3.* settings.

Three test S3 servers (tests/node/s3.mjs, every SigV4 signature checked),
each with its own key pair, so one catalog's keys cannot reach another's
bucket. Asserted here:
- REST creates and commits in each prefix write their metadata files to
  that catalog's server, and the load replies carry that server's
  endpoint;
- a table of one catalog cannot be placed in another catalog's bucket;
- remote signing is served by alpha only, signs with alpha's keys (the
  signed GET is accepted by alpha's server, and the same signature is
  refused by beta's), and refuses a URI in beta's bucket;
- vended credentials are configured for beta only (an STS nothing
  listens on: 503), alpha answers 403 naming the key to set;
- a Thrift drop_table with deleteData deletes the objects through the
  table's catalog's server, in every catalog;
- a group that is wrong keeps the server from starting.
"""
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest

from conftest import METASTORE_BIN, clean_env, unique
from hive_metastore.ttypes import Catalog, CreateCatalogRequest, Database
from iceboth import config_file_server, create_namespace, s3_keys
from icelib import Rest, assert_error, simple_schema
from partlib import make_table
from s3server import S3Server

SIGNING = {"X-Iceberg-Access-Delegation": "remote-signing"}

# the configuration file the server reads: one group per catalog (ports
# and key ids filled in); README's per-catalog example is this file
GROUP = """\
[catalog.{name}]
warehouse.root = s3://{name}/wh
s3.endpoint = {s3.endpoint}
s3.region = {s3.region}
s3.path_style = true
s3.access_key = {s3.access_key}
{extra}
"""
EXTRA = {"alpha": "storage.remote_signing = true",
         "beta": "storage.sts_endpoint = http://127.0.0.1:9/"}


def s3_env(s3):
    return {"METASTORE_S3_ENDPOINT": s3.endpoint, "METASTORE_S3_REGION": s3.region,
            "METASTORE_S3_PATH_STYLE": "1", "METASTORE_S3_ACCESS_KEY": s3.access_key,
            "METASTORE_S3_SECRET_KEY": s3.secret_key}


@pytest.fixture(scope="module")
def stores():
    made = {}
    try:
        for name in ("glob", "alpha", "beta"):
            made[name] = S3Server(buckets=[name], access_key=name + "-key",
                                  secret_key=name + "-secret-" + unique("k")).start()
        yield made
    finally:
        for s in made.values():
            s.stop()


@pytest.fixture(scope="module")
def srv(pg, stores):
    conf = "\n".join(GROUP.format(name=n, s3=stores[n], extra=EXTRA[n]) for n in EXTRA)
    env = dict(s3_env(stores["glob"]),
               METASTORE_CATALOG_ALPHA_S3_SECRET_KEY=stores["alpha"].secret_key,
               METASTORE_CATALOG_BETA_S3_SECRET_KEY=stores["beta"].secret_key)
    with config_file_server(pg, "s3://glob/wh", conf, env) as s:
        with s.client() as c:
            c.create_catalog(CreateCatalogRequest(Catalog(name="plain",
                                                          locationUri="s3://glob/wh/plain")))
        yield s


# which server and bucket hold each catalog's data
WHERE = {"alpha": "alpha", "beta": "beta", "plain": "glob", "hive": "glob"}


def door(srv, catalog):
    return Rest(srv.rest_port, prefix=None if catalog == "hive" else catalog)


def tables_path(rest, ns, name=None):
    return rest.v1("namespaces/%s/tables" % ns + ("/" + name if name else ""))


def keys_of(store, location):
    bucket, _, key = location[len("s3://"):].partition("/")
    return s3_keys(store, bucket, key)


@pytest.mark.parametrize("catalog", ["alpha", "beta", "plain", "hive"])
def test_rest_create_and_commit_use_the_catalogs_store(srv, stores, catalog):
    rest = door(srv, catalog)
    if catalog != "hive":
        st, doc = rest.call("GET", "/v1/config?warehouse=" + catalog)
        assert st == 200 and doc["overrides"]["prefix"] == catalog, doc
    ns = unique("ns")
    create_namespace(rest, ns)
    st, doc = rest.call("POST", tables_path(rest, ns), {"name": "t", "schema": simple_schema()})
    assert st == 200, doc
    first = doc["metadata-location"]
    store = stores[WHERE[catalog]]
    assert first.startswith("s3://%s/wh/" % WHERE[catalog]), first
    assert keys_of(store, first) == [first.split("/", 3)[3]]
    assert doc["config"]["s3.endpoint"] == store.endpoint, doc["config"]
    # a commit writes the next metadata file to the same store
    st, doc = rest.call("POST", tables_path(rest, ns, "t"), {
        "requirements": [], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]})
    assert st == 200, doc
    assert doc["metadata-location"] != first
    assert keys_of(store, doc["metadata-location"]), doc["metadata-location"]
    # nothing of it on the other servers
    for other, s in stores.items():
        if other != WHERE[catalog]:
            assert not [k for k in s3_keys(s, other, "") if ns in k]


@pytest.mark.parametrize("catalog,foreign", [("alpha", "s3://beta/wh/x"),
                                             ("beta", "s3://alpha/wh/x"),
                                             ("hive", "s3://alpha/wh/x"),
                                             ("alpha", "s3://glob/wh/x")])
def test_a_table_cannot_be_placed_in_another_catalogs_bucket(srv, catalog, foreign):
    rest = door(srv, catalog)
    ns = unique("ns")
    create_namespace(rest, ns)
    st, doc = rest.call("POST", tables_path(rest, ns),
                        {"name": "t", "schema": simple_schema(), "location": foreign})
    assert st in (400, 403), doc
    assert "allowed" in doc["error"]["message"], doc


def sign_body(uri, method="GET"):
    return {"region": "us-east-1", "uri": uri, "method": method,
            "headers": {"User-Agent": ["test"]}}


def test_remote_signing_per_catalog(srv, stores):
    alpha, beta = door(srv, "alpha"), door(srv, "beta")
    ns = unique("sg")
    create_namespace(alpha, ns)
    create_namespace(beta, ns)
    for rest in (alpha, beta):
        st, doc = rest.call("POST", tables_path(rest, ns), {"name": "t", "schema": simple_schema()})
        assert st == 200, doc
    st, doc = alpha.call("GET", tables_path(alpha, ns, "t"), headers=SIGNING)
    assert st == 200 and doc["config"]["s3.remote-signing-enabled"] == "true", doc
    md = doc["metadata-location"]
    url = "%s/%s" % (stores["alpha"].endpoint, md[len("s3://"):])
    st, signed = alpha.call("POST", tables_path(alpha, ns, "t") + "/sign", sign_body(url))
    assert st == 200, signed
    hdrs = {k: v[0] for k, v in signed["headers"].items()}
    assert hdrs["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=alpha-key/")
    with urllib.request.urlopen(urllib.request.Request(url, headers=dict(hdrs, **{
            "User-Agent": "test"})), timeout=30) as r:
        assert r.status == 200 and b'"table-uuid"' in r.read()
    # alpha's signature means nothing to beta's server
    other = "%s/%s" % (stores["beta"].endpoint, md[len("s3://"):])
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(other, headers=dict(hdrs, **{
            "User-Agent": "test"})), timeout=30)
    assert e.value.code == 403
    # beta's table through alpha's route: not under the table's location
    st, doc = beta.call("GET", tables_path(beta, ns, "t"))
    beta_md = doc["metadata-location"]
    beta_url = "%s/%s" % (stores["alpha"].endpoint, beta_md[len("s3://"):])
    st, doc = alpha.call("POST", tables_path(alpha, ns, "t") + "/sign", sign_body(beta_url))
    assert_error(st, doc, 403, "ForbiddenException")
    # beta does not sign; its load replies carry no signer
    st, doc = beta.call("GET", tables_path(beta, ns, "t"), headers=SIGNING)
    assert st == 200 and "s3.remote-signing-enabled" not in doc["config"], doc
    st, doc = beta.call("POST", tables_path(beta, ns, "t") + "/sign", sign_body(beta_url))
    assert_error(st, doc, 403, "ForbiddenException")
    assert "storage.remote_signing" in doc["error"]["message"], doc


def test_vended_credentials_per_catalog(srv):
    rest = Rest(srv.rest_port)
    served = {}
    for wh in ("alpha", "beta", "plain"):
        st, doc = rest.call("GET", "/v1/config?warehouse=" + wh)
        assert st == 200, doc
        served[wh] = {e.rsplit("/", 1)[1] for e in doc["endpoints"]
                      if e.endswith("/credentials") or e.endswith("/sign")}
    assert served == {"alpha": {"sign"}, "beta": {"credentials"}, "plain": set()}
    ns = unique("vd")
    alpha, beta = door(srv, "alpha"), door(srv, "beta")
    for r in (alpha, beta):
        create_namespace(r, ns)
        st, doc = r.call("POST", tables_path(r, ns), {"name": "t", "schema": simple_schema()})
        assert st == 200, doc
    st, doc = alpha.call("GET", tables_path(alpha, ns, "t") + "/credentials")
    assert_error(st, doc, 403, "ForbiddenException")
    assert "storage.sts_endpoint" in doc["error"]["message"], doc
    # beta's STS (nothing listens there) is asked, not a global one
    st, doc = beta.call("GET", tables_path(beta, ns, "t") + "/credentials")
    assert_error(st, doc, 503, "ServiceUnavailableException")


def put(store, location, data=b"x"):
    """An object, written with `metastore storage put` and the store's keys."""
    r = subprocess.run([METASTORE_BIN, "storage", "put", location], input=data,
                       capture_output=True, timeout=60, env=clean_env(s3_env(store)),
                       cwd=tempfile.gettempdir())
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("catalog", ["alpha", "beta", "plain", "hive"])
def test_thrift_drop_with_delete_data_in_each_catalog(srv, stores, catalog):
    store = stores[WHERE[catalog]]
    name = unique("db")
    db = name if catalog == "hive" else "@%s#%s" % (catalog, name)
    with srv.client() as c:
        c.create_database(Database(name=name, catalogName=catalog, parameters={}))
        dloc = c.get_database(db).locationUri
        assert dloc.startswith("s3://%s/wh/" % WHERE[catalog]), dloc
        t = make_table(c, db, "m", parts=[])
        loc = t.sd.location
        assert keys_of(store, loc + "/") == [loc.split("/", 3)[3] + "/"]   # its marker
        for i in range(2):
            put(store, "%s/part-%d.parquet" % (loc, i))
        assert len(keys_of(store, loc + "/")) == 3
        c.drop_table(db, "m", True)
        assert keys_of(store, loc + "/") == []


@pytest.mark.parametrize("conf,needle", [
    ("[catalog.gamma]\ns3.region = eu-west-1\n", "warehouse.root must be set"),
    ("[catalog.gamma]\nwarehouse.root = s3://g/wh\ns3.endpoint = http://127.0.0.1:1\n",
     "s3.endpoint needs the catalog's own s3.access_key"),
    ("[catalog.gamma]\nwarehouse.root = s3://g/wh\nserver.workers = 3\n",
     "cannot be set per catalog"),
    ("[rest]\ncatalogs = gamma=s3://g/x\n[catalog.gamma]\nwarehouse.root = s3://g/wh\n",
     "is in rest.catalogs and has a [catalog.gamma] group"),
])
def test_a_wrong_group_keeps_the_server_from_starting(pg, conf, needle):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-catstore-bad-", dir="/tmp")
    try:
        path = os.path.join(tmp, "metastore.conf")
        with open(path, "w") as f:
            f.write(conf)
        r = subprocess.run([METASTORE_BIN, "serve", "--bind", "127.0.0.1", "--port", "0",
                            "--database-url", pg.conninfo(pg.createdb()),
                            "--data-dir", os.path.join(tmp, "data"), "--config", path],
                           capture_output=True, text=True, timeout=60, cwd=tmp,
                           env=clean_env())
        assert r.returncode != 0
        assert needle in r.stderr, r.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

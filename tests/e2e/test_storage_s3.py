"""Warehouse objects through `metastore storage get|put|exists|rm-all`:
s3:// against s3rver behind the SigV4-checking proxy (tests/node/s3.mjs,
every signature recomputed with the AWS SDK's signer), and file://.

The S3 client is libcurl's SigV4 signing (storage/storage_s3.c); these tests
check what reaches the store (s3rver keeps each object as
<dir>/<bucket>/<key>._S3rver_object, so key encoding is visible on disk),
the error texts, and that no secret ever reaches stdout or stderr."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import METASTORE_BIN, clean_env, unique
from s3server import S3Server

BUCKET = "warehouse"
WRONG_SECRET = "wrong-secret-Zq8TfXv3"


@pytest.fixture(scope="module")
def s3():
    with S3Server(buckets=[BUCKET, "other"]) as srv:
        yield srv


def s3_env(s3, **extra):
    """Configuration through METASTORE_S3_* variables: path style on the
    loopback endpoint, the server's key pair."""
    env = {
        "METASTORE_S3_ENDPOINT": s3.endpoint,
        "METASTORE_S3_PATH_STYLE": "true",
        "METASTORE_S3_ACCESS_KEY": s3.access_key,
        "METASTORE_S3_SECRET_KEY": s3.secret_key,
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def storage(args, env=None, data=None, cwd=None):
    """Run `metastore storage ARGS`; bytes in, bytes out. No AWS_* variable
    of the caller's environment leaks in."""
    full = {k: v for k, v in clean_env(env).items()
            if not k.startswith("AWS_") or (env and k in env)}
    return subprocess.run([METASTORE_BIN, "storage"] + list(args), input=data,
                          capture_output=True, timeout=120, env=full,
                          cwd=cwd or tempfile.gettempdir())


def ok(r):
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    return r.stdout


def object_file(s3, bucket, key):
    return os.path.join(s3.dir, bucket, key + "._S3rver_object")


def seed(s3, bucket, keys, data=b"x"):
    """Place objects straight into s3rver's store (its on-disk layout:
    one <key>._S3rver_object file each; metadata is derived on read).
    Creating a thousand objects through HTTP takes s3rver half a minute."""
    for k in keys:
        path = object_file(s3, bucket, k)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def listed(s3, bucket, prefix):
    """Keys below 'prefix' as s3rver stores them."""
    root = os.path.join(s3.dir, bucket)
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith("._S3rver_object"):
                key = os.path.relpath(os.path.join(d, f), root)[:-len("._S3rver_object")]
                if key.startswith(prefix):
                    out.append(key)
    return sorted(out)


def assert_no_secrets(r, *secrets):
    text = r.stdout + r.stderr
    for s in secrets:
        assert s.encode() not in text, "a secret leaked into the output"
    assert b"Authorization" not in text and b"Signature=" not in text


# ---------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------

def test_put_get_exists_round_trip(s3):
    env = s3_env(s3)
    base = "s3://%s/%s" % (BUCKET, unique("rt"))
    data = bytes(range(256)) * 64
    ok(storage(["put", base + "/blob.bin"], env, data))
    assert ok(storage(["get", base + "/blob.bin"], env)) == data
    assert open(object_file(s3, BUCKET, base[len("s3://warehouse/"):] + "/blob.bin"), "rb").read() == data
    assert ok(storage(["exists", base + "/blob.bin"], env)) == b"true\n"
    assert ok(storage(["exists", base + "/nothing"], env)) == b"false\n"
    # an empty object, and a file argument instead of stdin
    ok(storage(["put", base + "/empty"], env, b""))
    assert ok(storage(["get", base + "/empty"], env)) == b""
    with tempfile.NamedTemporaryFile() as f:
        f.write(b'{"format-version": 2}\n')
        f.flush()
        ok(storage(["put", base + "/m.json", f.name], env))
    assert ok(storage(["get", base + "/m.json"], env)) == b'{"format-version": 2}\n'
    # replacing an object
    ok(storage(["put", base + "/m.json", "-"], env, b"v2"))
    assert ok(storage(["get", base + "/m.json"], env)) == b"v2"


def test_awkward_keys_round_trip(s3):
    env = s3_env(s3)
    prefix = unique("keys")
    keys = [
        "with space/and  two",
        "plus+sign",
        "percent%20literal%",
        "equals=sign/p=1/q=a%2Fb",
        "unicode/日本語/é",
        "tilde~dash-under_score.dot",
        "reserved!*'()&$,;:@[]",
        "quote\"and<angle>",
        "hash#and?query",
        "deep/a/b/c/d/e/f/g",
    ]
    for i, k in enumerate(keys):
        ok(storage(["put", "s3://%s/%s/%s" % (BUCKET, prefix, k)], env, b"%d" % i))
    for i, k in enumerate(keys):
        uri = "s3://%s/%s/%s" % (BUCKET, prefix, k)
        assert ok(storage(["get", uri], env)) == b"%d" % i, k
        assert ok(storage(["exists", uri], env)) == b"true\n", k
        # the key arrived exactly as written: no decoding, '+' is no space
        assert os.path.exists(object_file(s3, BUCKET, "%s/%s" % (prefix, k))), k
    assert listed(s3, BUCKET, prefix + "/") == sorted("%s/%s" % (prefix, k) for k in keys)
    ok(storage(["rm-all", "s3://%s/%s" % (BUCKET, prefix)], env))
    assert listed(s3, BUCKET, prefix + "/") == []


def test_s3a_and_s3n_are_s3(s3):
    env = s3_env(s3)
    key = "%s/obj" % unique("schemes")
    ok(storage(["put", "s3a://%s/%s" % (BUCKET, key)], env, b"a"))
    assert ok(storage(["get", "s3n://%s/%s" % (BUCKET, key)], env)) == b"a"
    assert ok(storage(["get", "s3://%s/%s" % (BUCKET, key)], env)) == b"a"
    ok(storage(["rm-all", "s3a://%s/%s" % (BUCKET, key)], env))
    assert ok(storage(["exists", "s3://%s/%s" % (BUCKET, key)], env)) == b"false\n"


# ---------------------------------------------------------------------------
# rm-all
# ---------------------------------------------------------------------------

def test_rm_all_deletes_the_prefix_and_the_key_only(s3):
    env = s3_env(s3)
    t = unique("tbl")
    inside = [t, t + "/x", t + "/metadata/00000-a.metadata.json",
              t + "/data/p=1/f 1.parquet", t + "/data/p=2/q=x/f.parquet"]
    outside = [t + "x", t + "2/keep", t + "-other/keep", "keep/" + t]
    for k in inside + outside:
        ok(storage(["put", "s3://%s/%s" % (BUCKET, k)], env, b"d"))
    ok(storage(["rm-all", "s3://%s/%s/" % (BUCKET, t)], env))
    for k in inside:
        assert ok(storage(["exists", "s3://%s/%s" % (BUCKET, k)], env)) == b"false\n", k
    for k in outside:
        assert ok(storage(["exists", "s3://%s/%s" % (BUCKET, k)], env)) == b"true\n", k
    # again: a missing prefix is not an error
    ok(storage(["rm-all", "s3://%s/%s" % (BUCKET, t)], env))
    for k in outside:
        ok(storage(["rm-all", "s3://%s/%s" % (BUCKET, k)], env))


def test_rm_all_refuses_the_bucket_root(s3):
    env = s3_env(s3)
    key = "%s/keep" % unique("root")
    ok(storage(["put", "s3://other/" + key], env, b"k"))
    for uri in ("s3://other", "s3://other/", "s3://other//"):
        r = storage(["rm-all", uri], env)
        assert r.returncode == 1, r
        assert b"refusing to delete everything in bucket other" in r.stderr, r.stderr
    assert ok(storage(["exists", "s3://other/" + key], env)) == b"true\n"


def test_rm_all_pages_past_1000_keys(s3):
    env = s3_env(s3)
    t = unique("big")
    keys = ["%s/k%04d" % (t, i) for i in range(1001)]
    seed(s3, BUCKET, keys)
    seed(s3, BUCKET, [t + "-sibling/keep"])
    assert ok(storage(["get", "s3://%s/%s" % (BUCKET, keys[1000])], env)) == b"x"
    r = storage(["rm-all", "s3://%s/%s" % (BUCKET, t), "--log-level", "debug"], env)
    ok(r)
    # two ListObjectsV2 pages (1000 + 1) and two DeleteObjects batches
    assert r.stderr.count(b"continuation-token=") == 1, r.stderr
    assert r.stderr.count(b"?delete=") == 2, r.stderr
    assert listed(s3, BUCKET, t + "/") == []
    assert listed(s3, BUCKET, t + "-sibling/") == [t + "-sibling/keep"]
    assert_no_secrets(r, s3.secret_key)


def test_rm_all_sweeps_again_when_a_listing_skips_keys(s3):
    """s3rver lists a directory's children before the object of the same
    name (k/a/* before k/a), so its second page, which starts after
    "k/a/k0999", skips "k/a": the next sweep finds and deletes it."""
    env = s3_env(s3)
    t = unique("odd")
    seed(s3, BUCKET, ["%s/a/k%04d" % (t, i) for i in range(1000)] + [t + "/a"])
    ok(storage(["rm-all", "s3://%s/%s" % (BUCKET, t)], env))
    assert listed(s3, BUCKET, t + "/") == []


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------

def test_missing_object_and_bucket(s3):
    env = s3_env(s3)
    uri = "s3://%s/%s/none.json" % (BUCKET, unique("missing"))
    r = storage(["get", uri], env)
    assert r.returncode == 1
    assert r.stderr.decode() == ("metastore: storage: s3 GET %s: 404 NoSuchKey: "
                                 "The specified key does not exist.\n" % uri)
    assert ok(storage(["exists", uri], env)) == b"false\n"
    r = storage(["get", "s3://no-such-bucket/k"], env)
    assert r.returncode == 1 and b"404 NoSuchBucket" in r.stderr, r.stderr
    r = storage(["put", "s3://no-such-bucket/k"], env, b"x")
    assert r.returncode == 1 and b"s3 PUT s3://no-such-bucket/k: 404 NoSuchBucket" in r.stderr


@pytest.mark.parametrize("args", [["get"], ["put"], ["exists"], ["rm-all"]])
def test_wrong_secret_is_a_clear_error_without_secrets(s3, args):
    env = s3_env(s3, METASTORE_S3_SECRET_KEY=WRONG_SECRET)
    uri = "s3://%s/%s/obj" % (BUCKET, unique("denied"))
    r = storage(args + [uri, "--log-level", "debug"], env, b"data")
    assert r.returncode == 1, r
    method = {"get": "GET", "put": "PUT", "exists": "HEAD", "rm-all": "LIST"}[args[0]]
    want = "storage: s3 %s %s: 403" % (method, uri)
    assert want.encode() in r.stderr, r.stderr
    if args[0] != "exists":          # a HEAD reply has no body to name the code
        assert b"403 SignatureDoesNotMatch: The request signature we calculated" in r.stderr
    else:
        assert b"403 Forbidden" in r.stderr
    assert_no_secrets(r, WRONG_SECRET, s3.secret_key)


def test_unknown_access_key(s3):
    env = s3_env(s3, METASTORE_S3_ACCESS_KEY="AKIANOBODY")
    r = storage(["get", "s3://%s/k" % BUCKET], env)
    assert r.returncode == 1
    assert b"403 InvalidAccessKeyId" in r.stderr, r.stderr
    assert_no_secrets(r, s3.secret_key)


def test_missing_credentials(s3):
    env = s3_env(s3, METASTORE_S3_ACCESS_KEY=None, METASTORE_S3_SECRET_KEY=None)
    r = storage(["get", "s3://%s/k" % BUCKET], env)
    assert r.returncode == 1
    assert b"no S3 credentials: set s3.access_key and s3.secret_key, or AWS_ACCESS_KEY_ID" in r.stderr
    # half a key pair is refused when the configuration is read
    r = storage(["get", "s3://%s/k" % BUCKET], s3_env(s3, METASTORE_S3_ACCESS_KEY=None))
    assert r.returncode == 1
    assert b"s3.access_key and s3.secret_key must be set together" in r.stderr, r.stderr
    assert_no_secrets(r, s3.secret_key)


def test_bad_locations(s3):
    env = s3_env(s3)
    r = storage(["get", "s3://bad!bucket/k"], env)
    assert r.returncode == 1 and b"'bad!bucket' is not a valid bucket name" in r.stderr
    r = storage(["get", "s3a://AKIAX:TopSecret42@%s/k" % BUCKET], env)
    assert r.returncode == 1 and b"credentials in them" in r.stderr
    assert_no_secrets(r, "TopSecret42")
    r = storage(["put", "s3://%s" % BUCKET], env, b"x")
    assert r.returncode == 1 and b"no object key" in r.stderr
    r = storage(["get", "hdfs://nn/x"], env)
    assert r.returncode == 1 and b"unsupported location hdfs://nn/x" in r.stderr
    r = storage(["get", "s3://%s/k" % BUCKET], s3_env(s3, METASTORE_S3_ENDPOINT="ftp://x"))
    assert r.returncode == 1 and b"s3.endpoint must be an http:// or https:// URL" in r.stderr


def test_unreachable_endpoint(s3):
    import socket
    with socket.socket() as s:          # a port that refuses connections
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = s3_env(s3, METASTORE_S3_ENDPOINT="http://127.0.0.1:%d" % port, METASTORE_S3_TIMEOUT_S="5")
    r = storage(["get", "s3://%s/k" % BUCKET], env)
    assert r.returncode == 1
    assert r.stderr.startswith(b"metastore: storage: s3 GET s3://warehouse/k: "), r.stderr
    assert_no_secrets(r, s3.secret_key)


def test_https_endpoint_with_a_private_ca(tmp_path):
    """An https endpoint whose certificate a private CA signed (MinIO's
    operator makes one): refused with a clear certificate error until
    s3.ca_file names that CA; the system's CAs stay trusted besides it.
    A missing s3.ca_file is refused at start."""
    from tlslib import make_ca, make_leaf
    os.chmod(str(tmp_path), 0o755)
    ca = make_ca(str(tmp_path), "minio-ca")
    leaf = make_leaf(str(tmp_path), "minio", ca, "serverAuth", "IP:127.0.0.1")
    with S3Server(buckets=[BUCKET], tls=leaf) as tls:
        assert tls.endpoint.startswith("https://127.0.0.1:")
        key = "s3://%s/%s/blob" % (BUCKET, unique("tls"))
        r = storage(["put", key], s3_env(tls), b"x")
        assert r.returncode == 1
        assert b"certificate" in r.stderr.lower(), r.stderr
        env = s3_env(tls, METASTORE_S3_CA_FILE=ca[0])
        ok(storage(["put", key], env, b"over tls"))
        assert ok(storage(["get", key], env)) == b"over tls"
        # a CA file holding some other CA: still refused
        other = make_ca(str(tmp_path), "other-ca")
        r = storage(["get", key], s3_env(tls, METASTORE_S3_CA_FILE=other[0]))
        assert r.returncode == 1 and b"certificate" in r.stderr.lower(), r.stderr
    r = storage(["get", key], s3_env(tls, METASTORE_S3_CA_FILE=str(tmp_path / "none.pem")))
    assert r.returncode != 0
    assert b"s3.ca_file" in r.stderr and b"is not a file" in r.stderr, r.stderr


# ---------------------------------------------------------------------------
# addressing and credentials
# ---------------------------------------------------------------------------

def test_virtual_host_style(s3):
    """bucket.s3.localhost:<port>: libcurl resolves *.localhost to the
    loopback address and s3rver takes the bucket from the Host header."""
    env = s3_env(s3, METASTORE_S3_ENDPOINT=s3.vhost_endpoint, METASTORE_S3_PATH_STYLE="false")
    t = unique("vhost")
    uri = "s3://%s/%s/a b+c.json" % (BUCKET, t)
    r = storage(["put", uri, "--log-level", "debug"], env, b"vh")
    ok(r)
    assert b"(http://warehouse.s3.localhost:%d/%s/a%%20b%%2Bc.json)" % (s3.port, t.encode()) in r.stderr, r.stderr
    assert os.path.exists(object_file(s3, BUCKET, "%s/a b+c.json" % t))
    assert ok(storage(["get", uri], env)) == b"vh"
    assert ok(storage(["exists", uri], env)) == b"true\n"
    r = storage(["rm-all", "s3://%s/%s" % (BUCKET, t), "--log-level", "debug"], env)
    ok(r)
    assert b"(http://warehouse.s3.localhost:%d/?delete=)" % s3.port in r.stderr, r.stderr
    assert listed(s3, BUCKET, t + "/") == []
    # path style on the same endpoint reaches the same objects
    env_path = dict(env, METASTORE_S3_PATH_STYLE="true")
    r = storage(["put", uri, "--log-level", "debug"], env_path, b"ps")
    ok(r)
    assert b"(http://s3.localhost:%d/warehouse/" % s3.port in r.stderr, r.stderr
    assert ok(storage(["get", uri], env)) == b"ps"
    ok(storage(["rm-all", "s3://%s/%s" % (BUCKET, t)], env))


def test_environment_credentials(s3):
    env = {
        "METASTORE_S3_ENDPOINT": s3.endpoint,
        "METASTORE_S3_PATH_STYLE": "1",
        "AWS_ACCESS_KEY_ID": s3.access_key,
        "AWS_SECRET_ACCESS_KEY": s3.secret_key,
        "AWS_REGION": "eu-central-1",
        "AWS_SESSION_TOKEN": "session-token-Kq2w",
    }
    uri = "s3://%s/%s/env.json" % (BUCKET, unique("env"))
    r = storage(["put", uri, "--log-level", "debug"], env, b"e")
    ok(r)
    assert_no_secrets(r, s3.secret_key, "session-token-Kq2w")
    assert ok(storage(["get", uri], env)) == b"e"
    # the configuration's key pair wins over the environment's
    bad_env = dict(env, AWS_SECRET_ACCESS_KEY=WRONG_SECRET)
    r = storage(["get", uri], bad_env)
    assert r.returncode == 1 and b"SignatureDoesNotMatch" in r.stderr
    assert_no_secrets(r, WRONG_SECRET)
    assert ok(storage(["get", uri], dict(bad_env, **s3_env(s3)))) == b"e"
    ok(storage(["rm-all", uri], env))


def test_configuration_file(s3):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-s3conf-", dir="/tmp")
    try:
        conf = os.path.join(tmp, "metastore.conf")
        with open(conf, "w") as f:
            f.write("[s3]\nendpoint = %s\npath_style = yes\naccess_key = %s\nsecret_key = %s\n"
                    "region = us-west-2\ntimeout_s = 10\n"
                    % (s3.endpoint, s3.access_key, s3.secret_key))
        uri = "s3://%s/%s/conf" % (BUCKET, unique("conf"))
        ok(storage(["put", uri, "--config", conf], {}, b"c"))
        assert ok(storage(["get", uri, "--config", conf], {})) == b"c"
        # --set wins over the file
        r = storage(["get", uri, "--config", conf, "--set", "s3.secret_key=" + WRONG_SECRET], {})
        assert r.returncode == 1 and b"SignatureDoesNotMatch" in r.stderr
        assert_no_secrets(r, WRONG_SECRET, s3.secret_key)
        # ./conf/metastore.conf is found like the other subcommands do
        os.makedirs(os.path.join(tmp, "conf"))
        shutil.copy(conf, os.path.join(tmp, "conf", "metastore.conf"))
        assert ok(storage(["get", uri], {}, cwd=tmp)) == b"c"
        ok(storage(["rm-all", uri, "--config", conf], {}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_config_reference_lists_s3_keys_without_values(s3):
    r = subprocess.run([METASTORE_BIN, "config"], capture_output=True, text=True, timeout=30,
                       env=clean_env(s3_env(s3)))
    assert r.returncode == 0
    for key in ("endpoint", "region", "path_style", "access_key", "secret_key",
                "session_token", "timeout_s", "ca_file"):
        assert "#%s = " % key in r.stdout, key
    assert "METASTORE_S3_SECRET_KEY" in r.stdout
    assert s3.secret_key not in r.stdout


# ---------------------------------------------------------------------------
# file:// through the same subcommand, and usage
# ---------------------------------------------------------------------------

def test_file_round_trip():
    tmp = tempfile.mkdtemp(prefix="ms-e2e-files-", dir="/tmp")
    try:
        root = os.path.join(tmp, "wh", "db.db", "t")
        uri = "file://" + root + "/metadata/00000-x.metadata.json"
        ok(storage(["put", uri], {}, b'{"a": 1}'))          # parents are created
        assert open(os.path.join(root, "metadata", "00000-x.metadata.json"), "rb").read() == b'{"a": 1}'
        assert ok(storage(["get", uri], {})) == b'{"a": 1}'
        assert ok(storage(["exists", uri], {})) == b"true\n"
        ok(storage(["put", root + "/data/p=1/f.parquet"], {}, b"pq"))   # a plain path
        ok(storage(["put", "file://" + tmp + "/wh/db.db/t2/keep"], {}, b"k"))
        r = storage(["get", "file://" + root + "/none"], {})
        assert r.returncode == 1 and b"storage: cannot read" in r.stderr
        ok(storage(["rm-all", "file://" + root], {}))
        assert not os.path.exists(root)
        assert os.path.exists(os.path.join(tmp, "wh", "db.db", "t2", "keep"))
        assert ok(storage(["exists", uri], {})) == b"false\n"
        r = storage(["rm-all", "file:///"], {})
        assert r.returncode == 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_usage():
    r = storage([], {})
    assert r.returncode == 2 and b"Usage: metastore storage" in r.stderr
    r = storage(["--help"], {})
    assert r.returncode == 0 and b"rm-all URI" in r.stdout
    r = storage(["copy", "s3://b/k"], {})
    assert r.returncode == 2 and b"unknown action 'copy'" in r.stderr
    r = storage(["get"], {})
    assert r.returncode == 2 and b"missing URI" in r.stderr
    r = storage(["get", "s3://b/k", "extra"], {})
    assert r.returncode == 1 and b"unexpected argument 'extra'" in r.stderr
    r = storage(["put", "s3://b/k", "/nonexistent/file"], {})
    assert r.returncode == 1 and b"/nonexistent/file" in r.stderr

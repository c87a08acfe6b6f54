"""The container image (issue 12, "a real image"): docker/Dockerfile built
by script/image with Debian's podman on a base made here by debootstrap (no
registry is reachable), then run with podman on runc the way a cluster runs
it: as user 10001, a read-only root filesystem with a tmpfs on /tmp only,
against the session's PostgreSQL (its Unix socket mounted in), on
127.0.0.1 free ports (host network). A generated Thrift client and a REST
client talk to it; the checks then look at the container from outside
(/proc, podman inspect) and inside (podman exec).

The build's log and time, and the container's log, land in the results
folder under image/. METASTORE_ENGINES_SKIP=image opts out.
"""
import json
import os
import re
import subprocess
import tempfile
import time
import uuid

import pytest

import components
import servers
from authlib import get_token
from hive_metastore.ttypes import Database, FieldSchema, SerDeInfo, StorageDescriptor, Table
from icelib import Rest, ns_path

SCRIPT = os.path.join(components.TOP, "script", "image")
TAG = "localhost/metastore:engines-test"
UID = 10001
CLIENT, SECRET = "image", "image-secret"
TOKEN_SECRET = "image-test-token-secret-0123456789abcdef"
MAX_IMAGE_MB = 200


def podman(*args, check=True, timeout=120):
    p = subprocess.run([SCRIPT, "podman", *args], capture_output=True, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("podman %s: exit %d\n%s%s" % (" ".join(args), p.returncode,
                                                          p.stdout, p.stderr))
    return p


@pytest.fixture(scope="module")
def image():
    components.opted_out("image")
    log = components.results_path("image", "build.log")
    t0 = time.monotonic()
    with open(log, "w") as f:
        p = subprocess.run([SCRIPT, "build", TAG], stdout=subprocess.PIPE, stderr=f,
                           text=True, timeout=3600)
    seconds = time.monotonic() - t0
    with open(components.results_path("image", "build-seconds"), "w") as f:
        f.write("%.0f\n" % seconds)
    assert p.returncode == 0, "script/image build failed" + components.tail_of(log, 40)
    return {"tag": p.stdout.strip(), "log": log, "seconds": seconds}


class Container:
    """The image serving on host-network ports, as user 10001, read-only."""

    def __init__(self, tag, pg, db):
        self.name = "metastore-image-test-" + uuid.uuid4().hex[:8]
        self.port, self.rest_port, self.admin_port = (servers.free_port() for _ in range(3))
        self.warehouse = tempfile.mkdtemp(prefix="ms-image-wh-", dir="/tmp")
        os.chown(self.warehouse, UID, UID)
        self.log = components.results_path("image", "container.log")
        env = {"METASTORE_REST_PORT": self.rest_port,
               "METASTORE_ADMIN_PORT": self.admin_port,
               "METASTORE_HEALTH_URL": "http://127.0.0.1:%d/healthz" % self.admin_port,
               "METASTORE_REST_OAUTH_CLIENTS": "%s:%s" % (CLIENT, SECRET),
               "METASTORE_REST_OAUTH_TOKEN_SECRET": TOKEN_SECRET}
        args = ["run", "-d", "--name", self.name, "--network", "host", "--read-only",
                "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777",
                "--cap-drop", "all", "--security-opt", "no-new-privileges",
                "-v", "%s:%s" % (pg.sockdir, pg.sockdir),
                "-v", "%s:/warehouse" % self.warehouse]
        for k, v in env.items():
            args += ["-e", "%s=%s" % (k, v)]
        args += [tag, "serve", "--bind", "127.0.0.1", "--port", str(self.port),
                 "--database-url", pg.conninfo(db), "--warehouse", "file:///warehouse"]
        podman(*args)
        self._wait_ready()

    def logs(self):
        p = podman("logs", self.name, check=False)
        with open(self.log, "w") as f:
            f.write(p.stdout + p.stderr)
        return p.stdout + p.stderr

    def _wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.logs()
            if re.search(r"metastore ready: thrift=127\.0\.0\.1:%d " % self.port, text):
                return
            state = podman("inspect", "--format", "{{.State.Status}}", self.name).stdout
            assert state.strip() == "running", "container %s%s" % (
                state.strip(), components.tail_of(self.log, 40))
            time.sleep(0.5)
        raise AssertionError("no ready line within 60 s" + components.tail_of(self.log, 40))

    def inspect(self, fmt):
        return podman("inspect", "--format", fmt, self.name).stdout.strip()

    def exec(self, *cmd):
        return podman("exec", self.name, *cmd, check=False)

    def remove(self):
        podman("rm", "-f", "-t", "5", self.name, check=False)
        subprocess.run(["rm", "-rf", self.warehouse], check=False)


@pytest.fixture(scope="module")
def container(image, pg):
    c = Container(image["tag"], pg, pg.createdb())
    yield c
    c.logs()
    c.remove()


def test_image_serves_thrift_and_rest(tag, image, container):
    tag("image", "podman %s" % podman("version", "--format", "{{.Client.Version}}").stdout.strip(),
        "-", "docker/Dockerfile built on a debootstrap base in %.0f s; Thrift + REST "
        "against the container" % image["seconds"], image["log"], container.log)
    db = "img_" + uuid.uuid4().hex[:8]
    with servers.Client(container.port) as c:
        c.create_database(Database(name=db, description="from the image test",
                                   parameters={}))
        assert c.get_database(db).name == db
        sd = StorageDescriptor(cols=[FieldSchema("id", "bigint", None)],
                               inputFormat="org.apache.hadoop.mapred.TextInputFormat",
                               outputFormat="org.apache.hadoop.hive.ql.io."
                                            "HiveIgnoreKeyTextOutputFormat",
                               serdeInfo=SerDeInfo(serializationLib="org.apache.hadoop."
                                                   "hive.serde2.lazy.LazySimpleSerDe",
                                                   parameters={}),
                               parameters={})
        c.create_table(Table(tableName="t1", dbName=db, owner="image", sd=sd,
                             partitionKeys=[], parameters={}, tableType="MANAGED_TABLE"))
        t = c.get_table(db, "t1")
        assert t.tableName == "t1" and t.sd.location.startswith("file:///warehouse/"), t.sd
    # the table's directory, made by the server as uid 10001 on the mounted warehouse
    owners = {os.stat(os.path.join(d, n)).st_uid
              for d, dirs, files in os.walk(container.warehouse) for n in dirs}
    assert owners == {UID}, owners
    # the REST door: authentication is on (database.url is set)
    assert Rest(container.rest_port).call("GET", "/v1/config")[0] == 401
    rest = Rest(container.rest_port, token=get_token(container.rest_port, CLIENT, SECRET))
    status, doc = rest.call("GET", "/v1/config")
    assert status == 200 and "defaults" in doc and "overrides" in doc, doc
    ns = "img_ns_" + uuid.uuid4().hex[:8]
    status, doc = rest.call("POST", "/v1/namespaces", {"namespace": [ns], "properties": {}})
    assert status == 200 and doc["namespace"] == [ns], doc
    status, doc = rest.call("GET", ns_path(ns))
    assert status == 200 and doc["namespace"] == [ns], doc
    # what REST made is a Hive database through Thrift
    with servers.Client(container.port) as c:
        assert ns in c.get_all_databases()


def test_image_runs_as_non_root_on_a_read_only_root(container):
    # from outside: the server process and the container's settings
    pid = int(container.inspect("{{.State.Pid}}"))
    with open("/proc/%d/status" % pid) as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    assert status["Uid"].split() == [str(UID)] * 4, status["Uid"]
    assert status["Gid"].split() == [str(UID)] * 4, status["Gid"]
    assert int(status["CapEff"], 16) == 0 and status["NoNewPrivs"].strip() == "1", status
    assert container.inspect("{{.HostConfig.ReadonlyRootfs}}") == "true"
    # from inside
    out = container.exec("id", "-u")
    assert out.returncode == 0 and out.stdout.strip() == str(UID), out
    for path in ("/probe", "/var/lib/metastore/probe", "/usr/local/bin/probe", "/etc/probe"):
        w = container.exec("sh", "-c", "echo x > %s" % path)
        assert w.returncode != 0 and "Read-only file system" in w.stderr, (path, w)
    # the one writable place is the tmpfs
    w = container.exec("sh", "-c", "echo x > /tmp/probe && cat /tmp/probe")
    assert w.returncode == 0 and w.stdout == "x\n", w
    mounts = container.exec("cat", "/proc/self/mounts").stdout
    root = [line.split() for line in mounts.splitlines() if line.split()[1] == "/"]
    assert root and "ro" in root[-1][3].split(","), root


def test_image_holds_the_runtime_only(image, container):
    # the image's HEALTHCHECK (curl on the admin port) passes
    hc = podman("healthcheck", "run", container.name, check=False)
    assert hc.returncode == 0, hc
    # no compiler or build tool made it into the runtime stage; the binary's
    # libraries all resolve
    for tool in ("cc", "gcc", "make", "thrift", "pkg-config", "apt-get"):
        w = container.exec("sh", "-c", "command -v %s" % tool)
        assert (w.returncode == 0) == (tool == "apt-get"), (tool, w.stdout)
    ldd = container.exec("ldd", "/usr/local/bin/metastore")
    assert ldd.returncode == 0 and "not found" not in ldd.stdout, ldd.stdout
    info = json.loads(podman("image", "inspect", image["tag"]).stdout)[0]
    size_mb = info["Size"] / 1e6
    with open(components.results_path("image", "size-mb"), "w") as f:
        f.write("%.0f\n" % size_mb)
    assert size_mb < MAX_IMAGE_MB, size_mb
    assert info["Config"]["User"] == "10001:10001"
    assert info["Config"]["Entrypoint"] == ["metastore"]
    assert info["Config"]["Labels"]["org.opencontainers.image.base.name"].startswith(
        "localhost/metastore-base:")


def test_image_stops_cleanly_on_sigterm(container):
    podman("stop", "-t", "20", container.name, timeout=60)
    text = container.logs()
    assert container.inspect("{{.State.ExitCode}}") == "0", components.tail_of(container.log)
    assert "metastore ready" in text

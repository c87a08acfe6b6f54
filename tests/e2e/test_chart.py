"""The container image and the Helm chart, checked without Docker or a
cluster: script/build-deps (the one set-up both script/bootstrap and
docker/Dockerfile run) against the built binary's libraries, a static check
of the Dockerfile, the chart rendered under several value sets, every YAML
linted with yamllint, the values validated against values.schema.json with
ajv, the manifests against the Kubernetes API schemas, the rendered
metastore.conf loaded by the real binary, and the manifests' wiring
(selectors, named ports, probes, secrets, environment names).

The renderer is Helm itself when METASTORE_HELM names a helm binary
(script/test-engines builds one from the Go module proxy with script/helm
and runs this file with it: `helm template`, the NOTES of `helm install
--dry-run=client`, and `helm lint --strict`); otherwise, so that `make
check` builds nothing from the network, helmlite (our Go-template subset
renderer), which the Helm run proves faithful by comparing the two renders
of every value set."""
import base64
import configparser
import copy
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest
import yaml

import helmlite
from nodetools import NODE_DIR, require_node

TOP = os.environ.get("top_srcdir") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART = os.path.join(TOP, "charts", "metastore")
DOCKERFILE = os.path.join(TOP, "docker", "Dockerfile")
BUILD_DEPS = os.path.join(TOP, "script", "build-deps")
BIN = os.environ.get("METASTORE_BIN") or os.path.join(TOP, "metastore", "metastore")
HELM = os.environ.get("METASTORE_HELM")

# admin.port comes with the health/metrics work (issue 6); until the binary
# knows it, the chart's [admin] group is the one group it may not know.
PENDING_KEYS = set()

FULL = {
    "replicaCount": 3,
    "database": {"url": "host=pg.db.svc dbname=hms user=hms sslmode=require", "password": "PGPWVALUE"},
    "s3": {"accessKey": "AKIAEXAMPLE", "secretKey": "S3SECRETVALUE"},
    "restAuth": {"oauthClients": "spark:s3cret", "tokenSecret": "x" * 40},
    "config": {"rest": {"auth": "oauth", "oauth.token_ttl_s": 600, "max_body_bytes": 33554432},
               "server": {"workers": 16}, "log": {"level": "debug"}},
    "autoscaling": {"enabled": True},
    "serviceMonitor": {"enabled": True, "labels": {"release": "prom"}},
    "podAnnotations": {"a": "b"},
    "imagePullSecrets": [{"name": "regcred"}],
    "extraEnv": [{"name": "TZ", "value": "UTC"}],
    "tolerations": [{"key": "k", "operator": "Exists"}],
    "nodeSelector": {"kubernetes.io/os": "linux"},
}
CNPG = {"cnpg": {"enabled": True, "storage": {"storageClass": "local-path"}}}
EXISTING = {"existingSecret": "metastore-keys"}
NO_SCHEMA_STEP = {"schemaUpgrade": {"enabled": False}, "podDisruptionBudget": {"enabled": False},
                  "serviceAccount": {"create": False}}
INIT_CONTAINER = {"schemaUpgrade": {"mode": "initContainer", "action": "upgrade"}}
VALUE_SETS = {"default": {}, "full": FULL, "cnpg": CNPG, "existing": EXISTING,
              "bare": NO_SCHEMA_STEP, "init": INIT_CONTAINER}
# values.schema.json refuses each of these (ajv, and Helm itself)
BAD_VALUES = [
    {"replicaCount": -1},
    {"replicas": 2},  # a typo of replicaCount
    {"schemaUpgrade": {"mode": "hook"}},
    {"ports": {"rest": 70000}},
    {"config": {"Rest": {"port": 1}}},
    {"config": {"rest": {"auth": {"nested": 1}}}},
    {"database": {"password": 12}},
]

YAMLLINT_CONF = """\
extends: default
rules:
  document-start: disable
  line-length: {max: 200}
  indentation: {spaces: consistent, indent-sequences: whatever}
  truthy: {allowed-values: ['true', 'false'], check-keys: false}
"""


def helm(*args, values=None, check=True):
    """Run METASTORE_HELM with ARGS (values, if given, as a -f file)."""
    with tempfile.TemporaryDirectory() as d:
        extra = []
        if values is not None:
            extra = ["-f", os.path.join(d, "values.json")]
            with open(extra[1], "w") as f:
                json.dump(values, f)
        env = dict(os.environ, HELM_CACHE_HOME=os.path.join(d, "cache"),
                   HELM_CONFIG_HOME=os.path.join(d, "config"), HELM_DATA_HOME=os.path.join(d, "data"))
        r = subprocess.run([HELM, *args, *extra], capture_output=True, text=True, env=env, timeout=120)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def helm_render(values=None, release="metastore", namespace="lake"):
    """{template path: text} as Helm renders it: `helm template` for the
    manifests (hooks included, split at its '# Source:' lines) and the
    release's NOTES from `helm install --dry-run=client`."""
    out = {}
    text = helm("template", release, CHART, "--namespace", namespace, values=values).stdout
    for part in re.split(r"(?m)^---\n", text):
        m = re.match(r"# Source: [^/]+/(\S+)\n", part)
        if m:
            name = m.group(1)
            out[name] = (out[name] + "---\n" if name in out else "") + part[m.end():]
        else:
            assert not part.strip(), part
    rel = json.loads(helm("install", release, CHART, "--namespace", namespace, "--dry-run=client",
                          "-o", "json", values=values).stdout)
    out["templates/NOTES.txt"] = rel["info"]["notes"]
    return out


_renders = {}


def render(values=None, release="metastore"):
    key = (json.dumps(values, sort_keys=True), release)
    if key not in _renders:
        if HELM:
            _renders[key] = helm_render(values, release)
        else:
            _renders[key] = helmlite.render_chart(CHART, values, release=release, namespace="lake")
    return copy.deepcopy(_renders[key])


def objects(values=None, release="metastore"):
    return helmlite.manifests(render(values, release))


def require_helm():
    if not HELM:
        pytest.skip("METASTORE_HELM is not set (script/test-engines runs this file with Helm)")


def one(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, (kind, name, [d["metadata"]["name"] for d in docs if d["kind"] == kind])
    return found[0]


def kinds(docs):
    return sorted((d["kind"], d["metadata"]["name"]) for d in docs)


def conf_of(cm):
    p = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    p.optionxform = str
    p.read_string(cm["data"]["metastore.conf"])
    return p


def known_keys():
    out = subprocess.run([BIN, "config"], check=True, capture_output=True, text=True).stdout
    keys, group = {}, None
    for line in out.splitlines():
        m = re.match(r"^\[(.+)\]$", line)
        if m:
            group = m.group(1)
            continue
        m = re.match(r"^#\s*env (METASTORE_\w+)$", line)
        if m:
            env = m.group(1)
            continue
        m = re.match(r"^#([a-z][a-z0-9_.]*) =", line)
        if m and group:
            keys["%s.%s" % (group, m.group(1))] = env
    return keys


# ---- script/build-deps: the set-up both paths share -------------------------

def build_deps(*args):
    return subprocess.run([BUILD_DEPS, *args], check=True, capture_output=True, text=True).stdout.split()


def test_build_deps_lists_build_and_runtime_packages():
    build = build_deps("--list")
    runtime = build_deps("--list", "--runtime")
    for p in ("build-essential", "autoconf", "automake", "thrift-compiler", "libthrift-c-glib-dev",
              "libpq-dev", "libmicrohttpd-dev", "libjson-glib-dev", "libcurl4-openssl-dev", "libssl-dev"):
        assert p in build
    assert not [p for p in runtime if p.endswith("-dev") or p in ("build-essential", "thrift-compiler")]
    assert "curl" in runtime  # the HEALTHCHECK's
    assert "postgresql" not in runtime  # only with WITH_POSTGRESQL=1
    assert build_deps("--list", "--runtime", "postgresql")[-1] == "postgresql"


def test_build_deps_installs_nothing_when_present():
    # this machine was set up by script/bootstrap: nothing to do, nothing printed
    r = subprocess.run([BUILD_DEPS], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    r = subprocess.run([BUILD_DEPS, "--bogus"], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown option" in r.stderr


def test_runtime_packages_hold_every_library_the_binary_links():
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                        subprocess.run(["readelf", "-d", BIN], check=True, capture_output=True,
                                       text=True).stdout)
    assert "libpq.so.5" in needed
    paths = {}
    for line in subprocess.run(["/sbin/ldconfig", "-p"], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        m = re.match(r"\s+(\S+) \(([^)]*)\) => (\S+)", line)
        if m and m.group(1) not in paths and ("x86-64" in m.group(2) or "64" in m.group(2)
                                              or "AArch64" in m.group(2)):
            paths[m.group(1)] = m.group(3)
    runtime = set(build_deps("--list", "--runtime"))
    base = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}  # in debian:12-slim already
    # the sanitizer build (script/sanitize-check) links its runtimes; the
    # image is built without them
    needed = [lib for lib in needed if not re.match(r"lib(asan|ubsan|lsan|tsan)\.", lib)]
    for lib in needed:
        real = os.path.realpath(paths[lib])
        owners = None
        for cand in (real, re.sub(r"^/usr", "", real), paths[lib]):
            r = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True)
            if r.returncode == 0:
                owners = {o.split(":")[0] for o in r.stdout.split(":")[0].split(", ")}
                break
        assert owners, lib
        assert owners & (runtime | base), (lib, owners)


def test_bootstrap_installs_through_build_deps():
    with open(os.path.join(TOP, "script", "bootstrap")) as f:
        boot = f.read()
    assert re.search(r'^"\$here/build-deps" "\$\{packages\[@\]\}"$', boot, re.M)
    for p in ("yamllint", "postgresql", "libcmocka-dev", "python3-pytest"):
        assert re.search(r"\b%s\b" % re.escape(p), boot)
    for script in ("server", "test"):
        with open(os.path.join(TOP, "script", script)) as f:
            text = f.read()
        assert "script/bootstrap" in text and "script/build" in text


# ---- docker/Dockerfile, statically --------------------------------------------

def dockerfile_instructions():
    with open(DOCKERFILE) as f:
        text = re.sub(r"\\\n", " ", f.read())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_stages_and_runtime():
    ins = dockerfile_instructions()
    args = {r.split("=")[0]: r.split("=", 1)[1] for w, r in ins if w == "ARG" and "=" in r}
    assert args["DEBIAN_IMAGE"] == "debian:12-slim"
    stages = [r for w, r in ins if w == "FROM"]
    assert stages == ["${DEBIAN_IMAGE} AS build", "${DEBIAN_IMAGE} AS runtime"]
    split = [i for i, (w, _) in enumerate(ins) if w == "FROM"][1]
    build, runtime = ins[:split], ins[split:]
    run_build = " ".join(r for w, r in build if w == "RUN")
    # the build stage sets up and builds through the developer's scripts
    assert "./script/build-deps" in run_build and "./script/build " in run_build + " "
    for path in ("script/build-deps", "script/build", "conf/metastore.conf"):
        assert os.access(os.path.join(TOP, path), os.R_OK), path
    for path in ("script/build-deps", "script/build"):
        assert os.access(os.path.join(TOP, path), os.X_OK), path
    assert ("COPY", ". .") in build
    # runtime: binary copied from the build stage, runtime libs only, non-root
    assert any(w == "COPY" and r.startswith("--from=build ") for w, r in runtime)
    run_rt = " ".join(r for w, r in runtime if w == "RUN")
    assert "/tmp/build-deps --runtime" in run_rt and "--uid 10001" in run_rt
    assert ("USER", "10001:10001") in runtime
    assert ("ENTRYPOINT", '["metastore"]') in runtime
    assert ("CMD", '["serve"]') in runtime
    expose = [r for w, r in runtime if w == "EXPOSE"]
    assert expose == ["9083 8181 9090"]
    hc = [r for w, r in runtime if w == "HEALTHCHECK"]
    assert len(hc) == 1 and "CMD curl -fsS" in hc[0]
    env = " ".join(r for w, r in runtime if w == "ENV")
    # the admin port's /healthz: no REST authentication in the way
    assert "METASTORE_ADMIN_PORT=9090" in env and "http://127.0.0.1:9090/healthz" in env
    labels = " ".join(r for w, r in runtime if w == "LABEL")
    assert "org.opencontainers.image.title" in labels
    assert "WITH_POSTGRESQL" in run_rt and ("ARG", "WITH_POSTGRESQL=0") in runtime
    # the build stage's output lands where the runtime expects it
    assert "/out/usr/local/bin/metastore" in run_build


def test_dockerignore_keeps_sources_drops_build_output():
    with open(os.path.join(TOP, ".dockerignore")) as f:
        rules = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for r in (".git", "gen-c_glib", "metastore/metastore", "metastore-data", "tests/node/node_modules"):
        assert r in rules
    for kept in ("script", "sql", "thrift", "metastore", "conf", "configure.ac", "Makefile.am", "m4"):
        assert kept not in rules


# ---- the chart: lint, schema ----------------------------------------------------

def yamllint(paths_or_texts):
    if not shutil.which("yamllint"):
        pytest.skip("yamllint not installed (script/bootstrap installs it)")
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "yamllint.yaml")
        with open(conf, "w") as f:
            f.write(YAMLLINT_CONF)
        files = []
        for i, (name, text) in enumerate(paths_or_texts):
            p = os.path.join(d, "%02d-%s" % (i, name.replace("/", "_")))
            with open(p, "w") as f:
                f.write(text)
            files.append(p)
        r = subprocess.run(["yamllint", "-f", "parsable", "-c", conf, *files],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_chart_files_pass_yamllint():
    items = []
    for name in ("Chart.yaml", "values.yaml"):
        with open(os.path.join(CHART, name)) as f:
            items.append((name, f.read()))
    with open(os.path.join(CHART, "values.schema.json")) as f:
        json.load(f)
    yamllint(items)


@pytest.mark.parametrize("case", sorted(VALUE_SETS))
def test_rendered_manifests_pass_yamllint(case):
    rendered = render(VALUE_SETS[case])
    items = [(n, t.strip("\n") + "\n") for n, t in rendered.items()
             if not n.endswith("NOTES.txt") and t.strip()]
    assert items
    yamllint(items)


def ajv_validate(values_list):
    """[None | [errors]] per values document, validated by ajv against values.schema.json."""
    require_node()
    script = r"""
import Ajv from "ajv";
import fs from "fs";
const [schemaPath, docsPath] = process.argv.slice(1);
const ajv = new Ajv({allErrors: true, strict: false});
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const out = JSON.parse(fs.readFileSync(docsPath, "utf8")).map(
  (d) => validate(d) ? null : validate.errors.map((e) => `${e.instancePath} ${e.message}`));
process.stdout.write(JSON.stringify(out));
"""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as docs:
        json.dump(values_list, docs)
        docs.flush()
        r = subprocess.run(["node", "--input-type=module", "-e", script, "--",
                            os.path.join(CHART, "values.schema.json"), docs.name],
                           cwd=NODE_DIR, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_values_match_the_schema():
    with open(os.path.join(CHART, "values.yaml")) as f:
        base = yaml.safe_load(f)
    good = [base] + [helmlite.merge(base, v) for _, v in sorted(VALUE_SETS.items())]
    bad = [helmlite.merge(base, v) for v in BAD_VALUES]
    res = ajv_validate(good + bad)
    assert res[:len(good)] == [None] * len(good)
    for i, errs in enumerate(res[len(good):]):
        assert errs, bad[i]


def test_helm_lint_strict():
    require_helm()
    for case, values in sorted(VALUE_SETS.items()):
        r = helm("lint", "--strict", "--namespace", "lake", CHART, values=values)
        assert "1 chart(s) linted, 0 chart(s) failed" in r.stdout, (case, r.stdout)
        assert "[WARNING]" not in r.stdout and "[ERROR]" not in r.stdout, (case, r.stdout)


def test_helm_refuses_values_outside_the_schema():
    require_helm()
    for bad in BAD_VALUES:
        for cmd in (("lint", "--strict", CHART), ("template", "metastore", CHART)):
            r = helm(*cmd, values=bad, check=False)
            assert r.returncode != 0, (cmd[0], bad)
            assert "schema" in (r.stdout + r.stderr).lower(), (cmd[0], bad, r.stdout, r.stderr)


def test_helmlite_renders_as_helm_does():
    """What make check renders without Helm is what Helm renders."""
    require_helm()
    key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
    for case, values in sorted(VALUE_SETS.items()):
        for release in ("metastore", "lake"):
            lite = helmlite.render_chart(CHART, values, release=release, namespace="lake")
            real = render(values, release)
            assert sorted(helmlite.manifests(lite), key=key) == \
                sorted(helmlite.manifests(real), key=key), (case, release)
            assert {n for n, t in lite.items() if t.strip()} == set(real), (case, release)
            assert lite["templates/NOTES.txt"].strip() == real["templates/NOTES.txt"].strip(), \
                (case, release)


def k8s_validate(docs):
    """kubernetes-models' API schemas (tests/node/k8s_validate.mjs) on each object."""
    require_node()
    r = subprocess.run(["node", os.path.join(NODE_DIR, "k8s_validate.mjs")], input=json.dumps(docs),
                       cwd=NODE_DIR, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("case", sorted(VALUE_SETS))
def test_rendered_manifests_match_kubernetes_schemas(case):
    docs = objects(VALUE_SETS[case])
    res = k8s_validate(docs)
    assert len(res) == len(docs)
    for d, r in zip(docs, res):
        if d["kind"] in ("ServiceMonitor", "Cluster"):  # CRDs: no schema bundled
            assert r.get("skipped"), r
        else:
            assert r.get("ok") is True, r


def test_kubernetes_schema_check_rejects_bad_objects():
    dep = one(objects(), "Deployment")
    bad_port = json.loads(json.dumps(dep))
    bad_port["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "9083"
    no_selector = json.loads(json.dumps(dep))
    del no_selector["spec"]["selector"]
    svc = one(objects(), "Service")
    bad_svc = json.loads(json.dumps(svc))
    bad_svc["spec"]["ports"][0]["port"] = "thrift"
    res = k8s_validate([bad_port, no_selector, bad_svc])
    assert [r["ok"] for r in res] == [False, False, False], res
    assert "containerPort" in res[0]["errors"] and "selector" in res[1]["errors"]


# ---- the chart: what it renders -------------------------------------------------

def test_default_render_objects():
    docs = objects()
    assert kinds(docs) == [
        ("ConfigMap", "metastore"), ("ConfigMap", "metastore-schema"),
        ("Deployment", "metastore"), ("Job", "metastore-schema"),
        ("PodDisruptionBudget", "metastore"),
        ("Secret", "metastore"), ("Secret", "metastore-schema"), ("Service", "metastore"),
        ("ServiceAccount", "metastore"),
    ]
    names = {k for k, _ in kinds(docs)}
    assert not names & {"HorizontalPodAutoscaler", "ServiceMonitor", "Cluster"}
    for d in docs:
        assert d["apiVersion"] and d["metadata"]["name"]
        assert len(d["metadata"]["name"]) <= 63
        assert d["metadata"]["labels"]["app.kubernetes.io/instance"] == "metastore"
    # release names holding the chart's name are not doubled; others are prefixed
    assert one(objects(release="lake"), "Deployment")["metadata"]["name"] == "lake-metastore"


def test_deployment_replicas_rollout_probes_security():
    dep = one(objects(), "Deployment")
    spec = dep["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"] == {"type": "RollingUpdate",
                                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    pod = spec["template"]["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    psc = pod["securityContext"]
    assert psc["runAsNonRoot"] is True and psc["runAsUser"] == 10001
    (c,) = pod["containers"]
    assert c["args"] == ["serve"] and c["image"] == "metastore:0.1.0"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"thrift": 9083, "rest": 8181, "admin": 9090}
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "admin"}
    assert c["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert c["resources"]["requests"] == {"cpu": "100m", "memory": "64Mi"}
    # a read-only root: writable /tmp and home, config mounted from the ConfigMap
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    vols = {v["name"]: v for v in pod["volumes"]}
    assert mounts == {"/etc/metastore": "config", "/tmp": "tmp", "/var/lib/metastore": "data"}
    assert vols["config"]["configMap"]["name"] == "metastore"
    assert "initContainers" not in pod
    assert one(objects({"replicaCount": 5}), "Deployment")["spec"]["replicas"] == 5


def test_service_ports_and_pdb():
    docs = objects()
    svc = one(docs, "Service")
    assert [(p["name"], p["port"], p["targetPort"]) for p in svc["spec"]["ports"]] == [
        ("thrift", 9083, "thrift"), ("rest", 8181, "rest"), ("metrics", 9090, "admin")]
    pod_labels = one(docs, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    pdb = one(docs, "PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_configmap_renders_config_groups():
    docs = objects(FULL)
    conf = conf_of(one(docs, "ConfigMap", "metastore"))
    assert conf["server"]["thrift_port"] == "9083" and conf["server"]["workers"] == "16"
    assert conf["rest"]["port"] == "8181" and conf["rest"]["auth"] == "oauth"
    assert conf["rest"]["oauth.token_ttl_s"] == "600"
    assert conf["rest"]["max_body_bytes"] == "33554432"  # not Go's 3.3554432e+07
    assert conf["admin"]["port"] == "9090"
    assert conf["database"]["url"] == "host=pg.db.svc dbname=hms user=hms sslmode=require"
    assert conf["s3"]["path_style"] == "true" and conf["warehouse"]["root"] == "s3://warehouse/"
    assert conf["log"]["level"] == "debug"
    text = one(docs, "ConfigMap", "metastore")["data"]["metastore.conf"]
    for secret in ("PGPWVALUE", "S3SECRETVALUE", "s3cret", "x" * 40):
        assert secret not in text
    # the schema Job reads the same configuration
    assert one(docs, "ConfigMap", "metastore-schema")["data"]["metastore.conf"] == text


@pytest.mark.parametrize("case", sorted(VALUE_SETS))
def test_rendered_config_loads_in_the_server(case, tmp_path):
    known = known_keys()
    for d in objects(VALUE_SETS[case]):
        if d["kind"] != "ConfigMap":
            continue
        conf = conf_of(d)
        for g in conf.sections():
            for k in conf[g]:
                assert "%s.%s" % (g, k) in known or "%s.%s" % (g, k) in PENDING_KEYS, (g, k)
        text = d["data"]["metastore.conf"]
        if "admin.port" not in known:
            text = re.sub(r"(?ms)^\[admin\]\n(?:[^\[].*?\n)*?(?=^\[)", "", text)
        path = tmp_path / "metastore.conf"
        path.write_text(text)
        r = subprocess.run([BIN, "storage", "exists", "file://%s/none" % tmp_path, "--config", str(path)],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and r.stdout.strip() == "false", r.stderr


def env_of(container):
    return {e["name"]: e for e in container["env"]}


def test_secret_and_environment_names():
    docs = objects(FULL)
    sec = one(docs, "Secret", "metastore")
    data = {k: base64.b64decode(v).decode() for k, v in sec["data"].items()}
    assert data == {"database-password": "PGPWVALUE", "s3-access-key": "AKIAEXAMPLE",
                    "s3-secret-key": "S3SECRETVALUE", "rest-oauth-clients": "spark:s3cret",
                    "rest-oauth-token-secret": "x" * 40}
    assert one(docs, "Secret", "metastore-schema")["data"] == sec["data"]
    known_env = set(known_keys().values())
    dep = one(docs, "Deployment")
    (c,) = dep["spec"]["template"]["spec"]["containers"]
    env = env_of(c)
    assert env["METASTORE_CONFIG"]["value"] == "/etc/metastore/metastore.conf"
    assert env["TZ"]["value"] == "UTC"
    refs = {n: e["valueFrom"]["secretKeyRef"] for n, e in env.items() if "valueFrom" in e}
    assert {n: r["key"] for n, r in refs.items()} == {
        "METASTORE_DATABASE_PASSWORD": "database-password", "METASTORE_S3_ACCESS_KEY": "s3-access-key",
        "METASTORE_S3_SECRET_KEY": "s3-secret-key", "METASTORE_REST_OAUTH_CLIENTS": "rest-oauth-clients",
        "METASTORE_REST_OAUTH_TOKEN_SECRET": "rest-oauth-token-secret"}
    for n, r in refs.items():
        assert r["name"] == "metastore"
        assert r["key"] in sec["data"]
    # every METASTORE_* name but METASTORE_CONFIG is a key's variable
    for n in refs:
        if n != "METASTORE_DATABASE_PASSWORD":
            assert n in known_env, n
    # the pods roll when the configuration or the secrets change
    ann = dep["spec"]["template"]["metadata"]["annotations"]
    other = one(objects(helmlite.merge(FULL, {"s3": {"secretKey": "rotated"}})), "Deployment")
    assert other["spec"]["template"]["metadata"]["annotations"]["checksum/secret"] != ann["checksum/secret"]
    assert other["spec"]["template"]["metadata"]["annotations"]["checksum/config"] == ann["checksum/config"]
    assert ann["a"] == "b"
    # no secrets anywhere outside Secrets
    for d in docs:
        if d["kind"] != "Secret":
            dumped = yaml.safe_dump(d)
            for s in ("PGPWVALUE", "S3SECRETVALUE", "spark:s3cret"):
                assert s not in dumped, (d["kind"], s)


def test_schema_job_is_a_hook_with_its_own_copies():
    docs = objects()
    job = one(docs, "Job")
    hooks = [d for d in docs if "helm.sh/hook" in d["metadata"].get("annotations", {})]
    assert sorted(d["kind"] for d in hooks) == ["ConfigMap", "Job", "Secret"]
    for d in hooks:
        assert d["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    weights = {d["kind"]: int(d["metadata"]["annotations"]["helm.sh/hook-weight"]) for d in hooks}
    assert weights["ConfigMap"] < weights["Job"] and weights["Secret"] < weights["Job"]
    pod = job["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert c["args"] == ["schema", "init"] and pod["restartPolicy"] == "Never"
    assert {e["valueFrom"]["secretKeyRef"]["name"] for e in c["env"] if "valueFrom" in e} == {"metastore-schema"}
    assert {v["name"]: v for v in pod["volumes"]}["config"]["configMap"]["name"] == "metastore-schema"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True


def test_init_container_mode_and_no_schema_step():
    docs = objects(INIT_CONTAINER)
    assert not [d for d in docs if d["kind"] == "Job"]
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    assert init["args"] == ["schema", "upgrade"]
    assert env_of(init)["METASTORE_DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "metastore"
    docs = objects(NO_SCHEMA_STEP)
    assert {d["kind"] for d in docs} == {"ConfigMap", "Deployment", "Secret", "Service"}
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    assert "initContainers" not in pod and pod["serviceAccountName"] == "default"
    assert "schema step is off" in render(NO_SCHEMA_STEP)["templates/NOTES.txt"]


def test_existing_secret():
    docs = objects(helmlite.merge(FULL, EXISTING))
    assert not [d for d in docs if d["kind"] == "Secret"]
    for kind in ("Deployment", "Job"):
        (c,) = one(docs, kind)["spec"]["template"]["spec"]["containers"]
        names = {e["valueFrom"]["secretKeyRef"]["name"] for e in c["env"] if "valueFrom" in e}
        assert names == {"metastore-keys"}, kind


def test_optional_hpa_servicemonitor():
    docs = objects(FULL)
    dep = one(docs, "Deployment")
    assert "replicas" not in dep["spec"]  # the HPA owns it
    hpa = one(docs, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "metastore"}
    assert hpa["spec"]["minReplicas"] == 2 and hpa["spec"]["maxReplicas"] == 6
    sm = one(docs, "ServiceMonitor")
    assert sm["metadata"]["labels"]["release"] == "prom"
    assert sm["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    assert sm["spec"]["selector"]["matchLabels"].items() <= one(docs, "Service")["metadata"]["labels"].items()
    pod = dep["spec"]["template"]["spec"]
    assert pod["imagePullSecrets"] == [{"name": "regcred"}]
    assert pod["tolerations"] == [{"key": "k", "operator": "Exists"}]
    assert pod["nodeSelector"] == {"kubernetes.io/os": "linux"}


def test_cnpg_cluster_only_when_enabled():
    docs = objects(CNPG)
    cl = one(docs, "Cluster")
    assert cl["apiVersion"] == "postgresql.cnpg.io/v1" and cl["metadata"]["name"] == "metastore-db"
    assert cl["spec"]["bootstrap"]["initdb"] == {"database": "metastore", "owner": "metastore"}
    assert cl["spec"]["storage"] == {"size": "10Gi", "storageClass": "local-path"}
    conf = conf_of(one(docs, "ConfigMap"))
    assert conf["database"]["url"] == "host=metastore-db-rw dbname=metastore user=metastore"
    # the Cluster does not exist at pre-install: the schema step runs in the pods
    assert not [d for d in docs if d["kind"] == "Job"]
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    for c in pod["containers"] + pod["initContainers"]:
        ref = env_of(c)["METASTORE_DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "metastore-db-app", "key": "password"}
    assert not [d for d in objects() if d["kind"] == "Cluster"]


def test_notes_print_client_settings():
    notes = render()["templates/NOTES.txt"]
    for line in ("spark.hadoop.hive.metastore.uris=thrift://metastore.lake.svc:9083",
                 "spark.sql.catalog.ice=org.apache.iceberg.spark.SparkCatalog",
                 "spark.sql.catalog.ice.type=rest",
                 "spark.sql.catalog.ice.uri=http://metastore.lake.svc:8181",
                 "connector.name=hive", "hive.metastore.uri=thrift://metastore.lake.svc:9083",
                 "iceberg.catalog.type=rest", "iceberg.rest-catalog.uri=http://metastore.lake.svc:8181",
                 'load_catalog("ice", uri="http://metastore.lake.svc:8181")'):
        assert line in notes, line
    assert "oauth2" not in notes
    notes = render(FULL)["templates/NOTES.txt"]
    assert "spark.sql.catalog.ice.oauth2-server-uri=http://metastore.lake.svc:8181/v1/oauth/tokens" in notes
    assert "iceberg.rest-catalog.security=OAUTH2" in notes
    assert "s3cret" not in notes


# ---- helmlite itself, on the constructs the chart relies on ----------------------

def test_helmlite_subset():
    def r(text, values=None):
        nodes, defs = helmlite.parse(text)
        out = []
        root = {"Values": values or {}}
        helmlite.Renderer(defs).walk(nodes, root, [{"$": root}], out)
        return "".join(out)
    assert r("a  {{- 1 -}}  b") == "a1b"
    assert r("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}",
             {"m": {"b": 2, "a": True}}) == "a=true;b=2;"
    assert r("{{ range .Values.l }}[{{ . }}]{{ else }}none{{ end }}", {"l": []}) == "none"
    assert r("{{ if .Values.x }}x{{ else if .Values.y }}y{{ else }}z{{ end }}", {"y": 1}) == "y"
    assert r('{{ define "t" }}<{{ .a }}>{{ end }}{{ include "t" (dict "a" 1) | quote }}') == '"<1>"'
    assert r("{{ with .Values.m }}{{ toYaml . | nindent 2 }}{{ end }}", {"m": {"k": [1]}}) == "\n  k:\n  - 1"
    assert r('{{ printf "%s-%v" "a" 3 | trunc 3 }}') == "a-3"
    assert r('{{ default "d" .Values.none }}{{ has "a" (list "a" "b") }}') == "dtrue"
    # values' numbers are float64 in Helm, printed as Go prints them
    assert r("{{ .Values.n }} {{ .Values.m }} {{ .Values.m | int64 }} {{ kindIs \"float64\" .Values.n }}",
             {"n": 9083, "m": 16777216}) == "9083 1.6777216e+07 16777216 true"
    with pytest.raises(helmlite.TemplateError):
        r("{{ .Values.a.b }}")
    with pytest.raises(helmlite.TemplateError):
        r("{{ lookup 1 }}")

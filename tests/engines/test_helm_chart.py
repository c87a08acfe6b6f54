"""Helm itself on charts/metastore: tests/e2e/test_chart.py run with the
helm binary script/helm built from the Go module proxy (METASTORE_HELM,
set by script/test-engines), so the chart is rendered by `helm template`
(NOTES by `helm install --dry-run=client`), linted by `helm lint --strict`
with every value set, its values schema enforced by Helm, the rendered
manifests checked against the Kubernetes API schemas (kubernetes-models),
loaded by our binary, and compared with helmlite's render, which `make
check` uses so that it builds nothing from the network.

The e2e file runs under the system Python (/usr/bin/python3), as in `make
check`; its JUnit report and output land in the results folder."""
import os
import subprocess
import xml.etree.ElementTree as ET

import components

E2E = os.path.join(components.TOP, "tests", "e2e")


def test_chart_with_helm(tag):
    components.opted_out("helm")
    helm = os.environ.get("METASTORE_HELM")
    assert helm and os.access(helm, os.X_OK), "METASTORE_HELM is not set (script/test-engines)"
    version = subprocess.run([helm, "version", "--short"], capture_output=True, text=True,
                             check=True).stdout.strip()
    log = components.results_path("helm", "test_chart.log")
    report = components.results_path("helm", "test_chart.xml")
    tag("Helm", version.split("+")[0], "-",
        "helm template, lint --strict, values schema of charts/metastore (tests/e2e/test_chart.py)",
        log)
    env = dict(os.environ, METASTORE_HELM=helm,
               PYTHONPATH=os.path.join(components.TOP, "gen-py"),
               top_srcdir=components.TOP, top_builddir=components.TOP)
    with open(log, "w") as f:
        p = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-rfEs", "-p",
                            "no:cacheprovider", "-o", "addopts=", "--rootdir", E2E,
                            "--junitxml", report, os.path.join(E2E, "test_chart.py")],
                           stdout=f, stderr=subprocess.STDOUT, env=env, cwd=E2E, timeout=900)
    outcome = {}
    for tc in ET.parse(report).iter("testcase"):
        bad = [c.tag for c in tc if c.tag in ("failure", "error", "skipped")]
        outcome[tc.get("name")] = bad[0] if bad else "passed"
    problems = {n: o for n, o in outcome.items() if o != "passed"}
    assert p.returncode == 0 and not problems, (problems, components.tail_of(log, 40))
    # Helm's own checks ran (not skipped for want of a binary)
    for name in ("test_helm_lint_strict", "test_helm_refuses_values_outside_the_schema",
                 "test_helmlite_renders_as_helm_does"):
        assert outcome.get(name) == "passed", name

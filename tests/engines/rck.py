"""rck.py: Apache Iceberg's REST Compatibility Kit (RCK) against our REST door.

Owns one run of the RCK: the suite org.apache.iceberg.rest.RESTCompatibilityKitSuite
(RESTCompatibilityKitCatalogTests and RESTCompatibilityKitViewCatalogTests,
which extend iceberg-core's CatalogTests and ViewCatalogTests) from the
iceberg-open-api 1.11.0 tests jar, run by JUnit's console launcher on Java 17
against a running metastore, and its JUnit XML report read back as one result
per RCK test. Entry points: run(metastore) -> Run, and (for maintainers)
`rck.py list REPORTS_DIR`, which prints the test names for rck_tests.txt.

How the RCK is pointed at a server that is not its own (RCKUtils,
RESTServerExtension in the test-fixtures jar):
- the JUnit configuration parameter rck.local=false keeps RESTServerExtension
  from starting Iceberg's reference server;
- every environment variable CATALOG_<KEY> becomes the client catalog
  property <key> ('__' -> '-', '_' -> '.', lower-cased): CATALOG_URI is the
  REST door, CATALOG_WAREHOUSE the warehouse sent to /v1/config;
- the rck.* properties tune the suite: rck.requires-namespace-create=true
  (like Hive, we create a table only in an existing namespace);
  rck.supports-serverside-retry (default true) and
  rck.supports-names-with-dot (default false: a Hive name has no '.') keep
  their defaults.

The warehouse is file:// under the server's local folder, not MinIO:
CatalogTests.testLoadTableWithMissingMetadataFile moves a metadata file
with java.nio (a local path), and the Java client writes its manifests
with the Hadoop FileIO. CatalogTests places some tables at the fixed
location file:/tmp/<namespace>/<table> (namespaces "ns" and "newdb"), so the
server must allow those two folders; runs on one machine take turns (a lock
file) and each removes what it created there. The JVM's java.io.tmpdir
(where @TempDir view locations go) is inside the server's local folder.

The classpath is the 'rck' set of downloads.lock, the launcher the
'junit-console' set: nothing is resolved with Maven at run time.
"""
import fcntl
import glob
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import components

VERSION = "1.11.0"
SUITE = "org.apache.iceberg.rest.RESTCompatibilityKitSuite"
# CatalogTests.BASE_TABLE_LOCATION is file:/tmp; these are its namespaces
FIXED_ROOTS = ("/tmp/ns", "/tmp/newdb")
ALLOWED_FIXED = ",".join("file://%s/" % r for r in FIXED_ROOTS)
LOCK = "/tmp/metastore-rck.lock"


class Run:
    """One RCK run: results maps 'Class.method()' to (outcome, message),
    outcome one of passed, failed, skipped."""

    def __init__(self, results, log, reports, seconds, exit_code):
        self.results = results
        self.log = log
        self.reports = reports
        self.seconds = seconds
        self.exit_code = exit_code


def test_name(testcase):
    return "%s.%s" % (testcase.get("classname", "").split(".")[-1], testcase.get("name"))


def read_report(reports):
    """The outcome of every test case in the console launcher's XML report."""
    out = {}
    for path in sorted(glob.glob(os.path.join(reports, "TEST-*.xml"))):
        for tc in ET.parse(path).getroot().iter("testcase"):
            outcome, message = "passed", ""
            for tag in ("failure", "error"):
                e = tc.find(tag)
                if e is not None:
                    outcome = "failed"
                    message = (e.get("message") or "").strip() or (e.text or "").strip()
                    message += "\n" + (e.text or "")[:4000]
                    break
            s = tc.find("skipped")
            if s is not None and outcome == "passed":
                outcome = "skipped"
                text = (s.get("message") or s.text or "").strip().splitlines()
                message = text[0] if text else ""
                for noise in ("org.junit.AssumptionViolatedException:",
                              "assumption was not met due to:"):
                    message = message.replace(noise, "")
                message = message.strip(" []") or "an assumption of the RCK does not hold"
            out[test_name(tc)] = (outcome, message)
    return out


def _entries(root):
    try:
        return set(os.listdir(root))
    except FileNotFoundError:
        return None


def _remove_created(before):
    """Remove what this run created under the fixed roots."""
    for root, had in before.items():
        now = _entries(root)
        if now is None:
            continue
        if had is None:
            shutil.rmtree(root, ignore_errors=True)
            continue
        for name in now - had:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def run(metastore, timeout=900):
    """Run the suite against 'metastore' (a components.Metastore with a
    file:// warehouse that allows ALLOWED_FIXED); returns a Run."""
    java = os.path.join(components.JAVA17, "bin", "java")
    if not os.access(java, os.X_OK):
        raise RuntimeError("no Java 17 at %r (METASTORE_JAVA17_HOME)" % components.JAVA17)
    launcher = components.classpath("junit-console")[0]
    cp = components.classpath("rck")
    reports = os.path.join(components.RESULTS, "rck", "reports")
    shutil.rmtree(reports, ignore_errors=True)
    os.makedirs(reports)
    log = components.results_path("rck", "rck.log")
    tmp = os.path.join(metastore.local_root, "rck-tmp")
    os.makedirs(tmp, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CATALOG_", "METASTORE_", "ASAN_", "LSAN_", "UBSAN_", "JAVA_TOOL"))}
    env.update(JAVA_HOME=components.JAVA17,
               CATALOG_URI=metastore.rest_uri,
               CATALOG_WAREHOUSE=metastore.warehouse,
               CATALOG_RCK_REQUIRES__NAMESPACE__CREATE="true")
    cmd = [java, "-Xmx768m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp,
           "-jar", launcher, "execute",
           "--class-path", ":".join(cp),
           "--select-class", SUITE,
           "--config", "rck.local=false",
           "--reports-dir", reports,
           "--details", "tree", "--disable-banner", "--disable-ansi-colors"]
    with open(LOCK, "a") as lock, open(log, "w") as lf:
        fcntl.flock(lock, fcntl.LOCK_EX)
        before = {r: _entries(r) for r in FIXED_ROOTS}
        lf.write("$ %s\n(CATALOG_URI=%s CATALOG_WAREHOUSE=%s "
                 "CATALOG_RCK_REQUIRES__NAMESPACE__CREATE=true)\n\n"
                 % (" ".join(cmd), metastore.rest_uri, metastore.warehouse))
        lf.flush()
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env,
                               timeout=timeout, cwd=tmp)
            code = p.returncode
        finally:
            _remove_created(before)
        seconds = time.monotonic() - t0
    results = read_report(reports)
    if not results:
        raise RuntimeError("the RCK wrote no report (exit %s)%s" % (code, components.tail_of(log)))
    return Run(results, log, reports, seconds, code)


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        for name in sorted(read_report(argv[2])):
            print(name)
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Apache Hive 4.1's own metastore client (HiveMetaStoreClient) against our
Thrift door.

hive_client/HiveClientChecks.java is compiled with the JDK 17 javac into
the engine cache (keyed by the source's hash, never into the checkout) and
run once, in one JVM, with the jars of downloads.lock set "hive-client"
(hive-standalone-metastore-common 4.1.0 and its runtime; hive-exec 4.1.0 for
the Kryo bytes of a real ExprNodeGenericFuncDesc, and for Hive's own
notification message deserializer, JSONMessageDeserializer, which hive-exec
bundles). Each named check is one test case here, passing when the program
printed "PASS <name>".

Adding a check: a static method in HiveClientChecks.java (its header says
how) and its name in CHECKS below.
"""
import hashlib
import os
import subprocess

import pytest

import components

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "hive_client", "HiveClientChecks.java")
ENGINE = "Hive 4.1 HiveMetaStoreClient"
VERSION = "4.1.0"

CHECKS = [
    # Hive 4.1's request forms
    "partitionsByFilterReq", "fetchPartitionNamesReq", "appendPartitionReq", "dropPartitionReq",
    "partitionsWithSpecs", "tablesExt",
    # Kryo expressions: the client prunes on its side
    "kryoExprFallsBack",
    # HiveServer2's background calls
    "scheduledQueryPoll", "scheduledQueryCreateRefused", "materializedViewsForRewriting",
    "showCompactions",
    # the notification log, read back with Hive's own message deserializer
    "currentEventId", "nextNotification", "notificationEventsCount", "fireInsertEvent",
    "messagesDecode", "everyEventDecodes", "partitionFilesListed", "deleteColumnStatisticsReq",
    "constraintEventsDecode",
    # constraints
    "constraintsRoundTrip", "constraintErrors",
    # roles and privileges
    "rolesLifecycle", "privilegesLifecycle", "adminRoleSeeded",
    # the configuration keys Impala and HiveServer2 read
    "configValues",
]

# Kryo (in hive-exec) reaches into java.base, as Hive's own launch scripts allow
JAVA_OPENS = ["--add-opens=java.base/%s=ALL-UNNAMED" % p
              for p in ("java.lang", "java.lang.reflect", "java.net", "java.util",
                        "java.util.concurrent")]


def java_bin(tool):
    path = os.path.join(components.JAVA17, "bin", tool)
    if not os.access(path, os.X_OK):
        raise RuntimeError("no Java 17 %s at %r (METASTORE_JAVA17_HOME)" % (tool, path))
    return path


def compiled(cp):
    """The checks' class folder in the engine cache, compiled once per source."""
    with open(SOURCE, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    base = components.CACHE or components.RESULTS
    out = os.path.join(base, "hive_client", digest)
    if not os.path.exists(os.path.join(out, "HiveClientChecks.class")):
        os.makedirs(out, exist_ok=True)
        subprocess.run([java_bin("javac"), "-nowarn", "-d", out, "-cp", ":".join(cp), SOURCE],
                       check=True, capture_output=True, text=True, timeout=600)
    return out


@pytest.fixture(scope="module")
def outcome(metastore):
    cp = components.classpath("hive-client")
    classes = compiled(cp)
    log = components.results_path("hive_client", "checks.log")
    # -Dhc.local_root: a local folder inside the allowed locations (partitionFilesListed)
    cmd = [java_bin("java"), "-Xmx512m", "-XX:+UseSerialGC",
           "-Dhc.local_root=" + metastore.local_root] + JAVA_OPENS + [
        "-cp", ":".join([classes] + cp), "HiveClientChecks", metastore.thrift_uri] + CHECKS
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    with open(log, "w") as f:
        f.write("$ %s\n\n%s\n%s" % (" ".join(cmd), p.stdout, p.stderr))
    results = {}
    for line in p.stdout.splitlines():
        verdict, _, rest = line.partition(" ")
        if verdict in ("PASS", "FAIL"):
            name, _, why = rest.partition(": ")
            results[name] = (verdict, why)
    return results, log


@pytest.mark.parametrize("check", CHECKS)
def test_hive_client(outcome, check, tag):
    results, log = outcome
    tag(ENGINE, VERSION, "Thrift", check, log)
    verdict, why = results.get(check, ("MISSING", "the program did not run it (see %s)" % log))
    assert verdict == "PASS", "%s: %s" % (check, why)

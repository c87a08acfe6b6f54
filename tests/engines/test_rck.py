"""Apache Iceberg's REST Compatibility Kit 1.11.0 against our REST door.

The whole suite runs once (rck.py) against a metastore of its own: a clean
catalog (the RCK insists that namespaces "ns" and "newdb" do not exist
before it starts, and drops what it finds there between tests) on a
file:// warehouse. Each RCK test listed in rck_tests.txt is one pytest
test here, passing, failing with the RCK's message, or skipped with the
reason the RCK itself skipped it (its assumptions about the catalog: see
SKIPPED_BECAUSE). A test the run has and the list has not fails
test_rck_ran_exactly_the_listed_tests, so a new RCK version cannot go
unnoticed; the server must exit cleanly afterwards (no leak under the
sanitizer build).
"""
import os

import pytest

import components
import rck

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINE = "Iceberg REST Compatibility Kit"
CATALOG = "REST (file://)"


def listed_tests():
    with open(os.path.join(HERE, "rck_tests.txt")) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


# Why the RCK skips these (its own assumptions, fixed by the suite or by a
# property we cannot truthfully set): for the README.
NESTED = ("RESTCompatibilityKitCatalogTests does not override CatalogTests."
          "supportsNestedNamespaces() (false) and has no rck.* property for it, so the RCK "
          "never runs its nested-namespace tests; we serve nested namespaces "
          "(tests/e2e/test_iceberg_nested_namespaces.py)")
DOT = ("rck.supports-names-with-dot stays false: a namespace level or table name with '.' "
       "cannot be a Hive database or table name")
SLASH = "the RCK hard-codes supportsNamesWithSlashes() false"
EMPTY = ("CatalogTests.supportsEmptyNamespace() is false (no rck.* property): the empty "
         "namespace is no Hive database")
SKIPPED_BECAUSE = {
    "RESTCompatibilityKitCatalogTests.testListNestedNamespaces()": NESTED,
    "RESTCompatibilityKitCatalogTests.testDropNamespaceWithNestedNamespace()": NESTED,
    "RESTCompatibilityKitCatalogTests.testNamespaceWithDot()": DOT,
    "RESTCompatibilityKitCatalogTests.testTableNameWithDot()": DOT,
    "RESTCompatibilityKitCatalogTests.testNamespaceWithSlash()": SLASH,
    "RESTCompatibilityKitCatalogTests.testTableNameWithSlash()": SLASH,
    "RESTCompatibilityKitCatalogTests.createAndDropEmptyNamespace()": EMPTY,
    "RESTCompatibilityKitCatalogTests.listNamespacesWithEmptyNamespace()": EMPTY,
    "RESTCompatibilityKitCatalogTests.namespacePropertiesOnEmptyNamespace()": EMPTY,
    "RESTCompatibilityKitCatalogTests.listTablesInEmptyNamespace()": EMPTY,
    "RESTCompatibilityKitViewCatalogTests.listViewsInEmptyNamespace()": EMPTY,
    "RESTCompatibilityKitCatalogTests.createTableInUniqueLocation()":
        "@Disabled in the RCK itself (RESTServerExtension is not configurable per test)",
}


class Outcome:
    run = None
    server_error = None


@pytest.fixture(scope="module")
def rck_run(pg, minio):
    """The RCK's one run, against a metastore of its own."""
    components.opted_out("rck")
    if Outcome.run is None:
        ms = components.Metastore(
            pg, minio, name="rck", warehouse="file://{local_root}/warehouse",
            sets=["storage.allowed_locations=file://{local_root}/," + rck.ALLOWED_FIXED])
        try:
            Outcome.run = rck.run(ms)
        finally:
            try:
                ms.stop_and_check()
            except AssertionError as e:
                Outcome.server_error = str(e)
    return Outcome.run


@pytest.mark.parametrize("name", listed_tests())
def test_rck(rck_run, name, tag):
    tag(ENGINE, rck.VERSION, CATALOG,
        "RESTCompatibilityKitSuite: CatalogTests and ViewCatalogTests (%d tests)"
        % len(listed_tests()), rck_run.log)
    if name not in rck_run.results:
        pytest.fail("the RCK did not run %s (exit %s); see %s" % (name, rck_run.exit_code,
                                                                  rck_run.log))
    outcome, message = rck_run.results[name]
    if outcome == "skipped":
        pytest.skip("RCK: %s -- %s" % (message.splitlines()[0] if message else "skipped",
                                       SKIPPED_BECAUSE.get(name, "no reason recorded")))
    if outcome == "failed":
        pytest.fail("%s\n(log: %s)" % (message, rck_run.log), pytrace=False)


def test_rck_ran_exactly_the_listed_tests(rck_run, tag):
    tag(ENGINE, rck.VERSION, CATALOG, "the suite's tests are the ones listed", rck_run.log)
    unknown = sorted(set(rck_run.results) - set(listed_tests()))
    assert not unknown, "RCK tests missing from rck_tests.txt: %s" % unknown
    # every test the RCK skips is one we know the reason for
    skipped = sorted(n for n, (o, _) in rck_run.results.items() if o == "skipped")
    assert skipped == sorted(SKIPPED_BECAUSE), skipped


def test_rck_server_exits_cleanly(rck_run, tag):
    tag(ENGINE, rck.VERSION, CATALOG, "the RCK's metastore exits 0 (sanitizers clean)",
        rck_run.log)
    assert Outcome.server_error is None, Outcome.server_error

"""summary.py RESULTS SECONDS: the end of an engines run.

Reads RESULTS/junit.xml (pytest's), lists the failing tests with the logs
they recorded (the `log` property every engine test sets), the skipped ones
with their reason, writes RESULTS/summary.json (one row per test: engine,
version, catalog, test, outcome, seconds) from which `summary.py --table
RESULTS` prints the README's compatibility table, and ends with the line
`engines: N passed, M failed`. Exit status 1 when anything failed or
nothing ran.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def cases(results):
    tree = ET.parse(os.path.join(results, "junit.xml"))
    for tc in tree.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in tc.iter("property")}
        outcome, detail = "passed", ""
        for tag in ("failure", "error"):
            e = tc.find(tag)
            if e is not None:
                outcome, detail = "failed", (e.get("message") or "")
        s = tc.find("skipped")
        if s is not None and outcome == "passed":
            outcome, detail = "skipped", s.get("message") or ""
        yield {
            "test": "%s::%s" % (tc.get("classname", "").split(".")[-1], tc.get("name")),
            "engine": props.get("engine", ""),
            "version": props.get("version", ""),
            "catalog": props.get("catalog", ""),
            "what": props.get("what", ""),
            "logs": [v for k, v in props.items() if k.startswith("log")],
            "outcome": outcome,
            "detail": detail,
            "seconds": float(tc.get("time") or 0),
        }


def table(rows):
    """The README's compatibility table: one line per engine and catalog."""
    groups = {}
    for r in rows:
        key = (r["engine"] or "(harness)", r["version"], r["catalog"])
        g = groups.setdefault(key, {"what": [], "passed": 0, "failed": 0, "skipped": 0, "s": 0.0})
        if r["what"] and r["what"] not in g["what"]:
            g["what"].append(r["what"])
        g[r["outcome"]] += 1
        g["s"] += r["seconds"]
    out = ["| engine | version | catalog | what ran | result | time |",
           "|---|---|---|---|---|---|"]
    for (engine, version, catalog), g in sorted(groups.items()):
        res = "%d passed" % g["passed"]
        if g["failed"]:
            res += ", %d failed" % g["failed"]
        if g["skipped"]:
            res += ", %d skipped" % g["skipped"]
        out.append("| %s | %s | %s | %s | %s | %d s |" % (
            engine, version, catalog, "; ".join(g["what"]), res, round(g["s"])))
    return "\n".join(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "--table":
        with open(os.path.join(argv[2], "summary.json")) as f:
            print(table(json.load(f)["tests"]))
        return 0
    results, seconds = argv[1], argv[2] if len(argv) > 2 else "?"
    try:
        rows = list(cases(results))
    except (OSError, ET.ParseError) as e:
        print("engines: no junit.xml (%s)" % e)
        print("engines: 0 passed, 1 failed")
        return 1
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump({"seconds": seconds, "tests": rows}, f, indent=1)
    failed = [r for r in rows if r["outcome"] == "failed"]
    skipped = [r for r in rows if r["outcome"] == "skipped"]
    passed = sum(1 for r in rows if r["outcome"] == "passed")
    for r in failed:
        print("FAILED %s: %s" % (r["test"], r["detail"].splitlines()[0][:300] if r["detail"] else ""))
        for log in r["logs"]:
            print("    log: %s" % log)
    for r in skipped:
        print("SKIPPED %s: %s" % (r["test"], r["detail"][:300]))
    print("engines: results in %s, %s s%s" % (
        results, seconds, ", %d skipped (listed above)" % len(skipped) if skipped else ""))
    print("engines: %d passed, %d failed" % (passed, len(failed)))
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

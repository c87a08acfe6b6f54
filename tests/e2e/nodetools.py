"""Node.js tooling for the e2e tests (tests/node): finding node, installing
the pinned npm packages, and long-lived JSON-lines child processes.

Without node the tests skip, except under CI (CI set), where a missing tool
is a failure.
"""
import json
import os
import shutil
import subprocess
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
NODE_DIR = os.path.join(TOP, "tests", "node")
SPEC_PATH = os.environ.get("METASTORE_ICEBERG_SPEC") or os.path.abspath(
    os.path.join(TOP, "..", "shared", "reference", "iceberg-rest-catalog-open-api.yaml"))


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI is set: required)")
    pytest.skip(reason)


def require_node():
    """The node binary, with tests/node's packages installed; skips (fails
    under CI) when node or npm is missing."""
    node = shutil.which("node")
    if not node:
        _missing("node is not installed")
    if not shutil.which("npm"):
        _missing("npm is not installed")
    r = subprocess.run([os.path.join(NODE_DIR, "install.sh")], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail("tests/node/install.sh failed:\n" + r.stdout + r.stderr)
    return node


def require_spec():
    if not os.path.isfile(SPEC_PATH):
        _missing("Iceberg REST OpenAPI spec not found at %s (METASTORE_ICEBERG_SPEC)" % SPEC_PATH)
    return SPEC_PATH


class JsonLines:
    """A node script answering one JSON line per JSON line on stdin. Its first
    output line (a readiness record) is kept in `.hello`."""

    def __init__(self, script, args=(), env=None, timeout=60):
        node = require_node()
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [node, os.path.join(NODE_DIR, script)] + list(args),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1, env=env or os.environ.copy(), cwd=NODE_DIR)
        self._lock = threading.Lock()
        self._next = 0
        self.hello = self._read()

    def _read(self):
        result = {}

        def reader():
            result["line"] = self.proc.stdout.readline()

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(self.timeout)
        line = result.get("line")
        if not line:
            self.close()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError("node %s: no reply (exit %s): %s"
                               % (self.proc.args[1], self.proc.returncode, err))
        return json.loads(line)

    def call(self, request):
        with self._lock:
            self._next += 1
            request = dict(request, id=self._next)
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            reply = self._read()
            assert reply.get("id") == request["id"], reply
            return reply

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()

"""An S3 server for the tests: tests/node/s3.mjs (s3rver on 127.0.0.1, a free
port, a temp directory, one fixed key pair, every AWS SigV4 signature
verified). Use as a context manager:

    with S3Server(buckets=["warehouse"]) as s3:
        s3.endpoint, s3.access_key, s3.secret_key, s3.region, s3.dir

s3.endpoint is path-style (http://127.0.0.1:<port>/<bucket>/<key>; https
with tls=(cert, key));
s3.vhost_endpoint (http://s3.localhost:<port>) serves virtual-host style
requests to http://<bucket>.s3.localhost:<port>/<key> (libcurl resolves
*.localhost to the loopback address by itself).
"""
import json
import os
import subprocess

from nodetools import NODE_DIR, require_node


class S3Server:
    def __init__(self, buckets=(), access_key="metastore-test",
                 secret_key="metastore-test-secret", tls=None):
        """tls: (certificate file, key file) to serve https with."""
        self.args = ["--access-key", access_key, "--secret-key", secret_key]
        if tls:
            self.args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        if buckets:
            self.args += ["--buckets", ",".join(buckets)]
        self.proc = None

    def start(self):
        node = require_node()
        self.proc = subprocess.Popen(
            [node, os.path.join(NODE_DIR, "s3.mjs")] + self.args,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=NODE_DIR)
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            self.proc.wait(timeout=10)
            raise RuntimeError("s3.mjs did not start: %s" % err)
        info = json.loads(line)
        self.port = info["port"]
        self.endpoint = "%s://127.0.0.1:%d" % (info.get("scheme", "http"), self.port)
        self.access_key = info["accessKeyId"]
        self.secret_key = info["secretAccessKey"]
        self.region = info["region"]
        self.dir = info["dir"]
        self.vhost_endpoint = info["vhostEndpoint"]
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.stdin.close()          # s3.mjs stops when stdin closes
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

"""Shared helpers for the Iceberg REST e2e tests: a small HTTP client over
http.client (no third-party packages), path builders and the ErrorModel
assertion. Fixtures live in conftest.py; these are plain functions."""
import http.client
import json
import urllib.parse


class Rest:
    """One REST door: call() returns (status, parsed JSON body or None);
    call_full() also returns the response headers."""

    def __init__(self, port, prefix=None, token=None, host="127.0.0.1"):
        self.port = port
        self.host = host
        self.prefix = prefix
        self.token = token

    def call_full(self, method, path, body=None, raw=None, headers=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        h = {"Content-Type": "application/json"} if data is not None else {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = text
        return r.status, doc, hdrs

    def call(self, method, path, body=None, raw=None, headers=None):
        status, doc, _ = self.call_full(method, path, body, raw, headers)
        return status, doc

    def v1(self, rest_of_path):
        """'/v1/{prefix}/<rest_of_path>' for this door's prefix (if any)."""
        return "/v1/" + (self.prefix + "/" if self.prefix else "") + rest_of_path


def ns_enc(*levels):
    """A namespace path segment: levels joined by 0x1F, percent-encoded."""
    return urllib.parse.quote("\x1f".join(levels), safe="")


def ns_path(*levels):
    return "/v1/namespaces/" + ns_enc(*levels)


def table_path(ns, table=None):
    """/v1/namespaces/<ns>/tables[/<table>]; ns is a str or a list of levels."""
    levels = [ns] if isinstance(ns, str) else list(ns)
    p = ns_path(*levels) + "/tables"
    return p + "/" + urllib.parse.quote(table, safe="") if table is not None else p


def view_path(ns, view=None):
    levels = [ns] if isinstance(ns, str) else list(ns)
    p = ns_path(*levels) + "/views"
    return p + "/" + urllib.parse.quote(view, safe="") if view is not None else p


def assert_error(status, doc, code, etype):
    """The reply is the spec's IcebergErrorResponse with this code and type."""
    assert status == code, (status, doc)
    assert doc["error"]["code"] == code and doc["error"]["type"] == etype, doc
    assert doc["error"]["message"], doc


def simple_schema():
    """A small schema as CreateTableRequest sends it (ids are reassigned)."""
    return {"type": "struct", "schema-id": 0, "fields": [
        {"id": 1, "name": "id", "required": True, "type": "long"},
        {"id": 2, "name": "data", "required": False, "type": "string", "doc": "payload"},
        {"id": 3, "name": "ts", "required": False, "type": "timestamptz"},
    ]}

"""Response-body validation against the released Iceberg REST OpenAPI spec
(../shared/reference/iceberg-rest-catalog-open-api.yaml, or
$METASTORE_ICEBERG_SPEC), through tests/node/validate.mjs in server mode: one
node process per pytest session.

    from iceberg_spec import spec_validator
    v = spec_validator()
    v.check(body, schema="LoadTableResult")            # asserts, shows ajv errors
    v.check_response("/v1/namespaces/db", "get", 200, body)
    ok, errors = v.validate(body, schema="CatalogConfig")
"""
import atexit
import os

from nodetools import JsonLines, require_spec

_validator = None


class SpecValidator:
    def __init__(self):
        spec = require_spec()
        env = dict(os.environ, METASTORE_ICEBERG_SPEC=spec)
        self.proc = JsonLines("validate.mjs", ["--server"], env=env)

    def validate(self, body, schema=None, strict=False):
        """(ok, errors) for body against components/schemas/<schema>."""
        r = self.proc.call({"schema": schema, "body": body, "strict": strict})
        return r["ok"], r.get("errors", [])

    def validate_response(self, path, method, status, body, strict=False):
        """(ok, errors) for a response body of `method path` with `status`;
        path is a spec template (/v1/{prefix}/namespaces) or a concrete path,
        with or without the prefix segment."""
        r = self.proc.call({"path": path, "method": method, "status": status,
                            "body": body, "strict": strict})
        return r["ok"], r.get("errors", [])

    def check(self, body, schema, strict=False):
        ok, errors = self.validate(body, schema=schema, strict=strict)
        assert ok, "%s does not match the spec:\n%s" % (schema, "\n".join(errors))

    def check_response(self, path, method, status, body, strict=False):
        ok, errors = self.validate_response(path, method, status, body, strict=strict)
        assert ok, "%s %s %s does not match the spec:\n%s" % (
            method, path, status, "\n".join(errors))

    def close(self):
        self.proc.close()


def spec_validator():
    """The session's validator (started on first use, stopped at exit)."""
    global _validator
    if _validator is None:
        _validator = SpecValidator()
        atexit.register(_validator.close)
    return _validator

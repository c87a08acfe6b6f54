"""The protocol cases of tests/data (format: tests/data/README.md), one test
per case file: REST requests and their replies (tests/data/rest), Thrift byte
frames and theirs (tests/data/thrift), against real servers and PostgreSQL.

Each door has its own server; a case with a 'server' section gets the server
of those settings (cases with the same settings share it). Every server must
exit 0 on SIGTERM at the end. After each case the server must still serve a
Thrift call on a new connection. REST reply bodies are also checked against
the Iceberg OpenAPI spec (unless the reply says 'nospec'; skipped without
node or the spec, as the other spec checks are).
"""
import http.client
import json
import os
import shutil
import socket
import tempfile

import pytest

from caselib import (Case, Malformed, Truncated, Walker, all_cases, annotate, expand,
                     load_json, match, parse_hex, plain, unescape, APP_ERRORS)
from servers import Server
from iceberg_spec import spec_validator
from nodetools import require_node, require_spec

CASES = all_cases()
SHOW = 3000         # characters of a request or reply shown on failure


@pytest.fixture(scope="module")
def case_servers(pg):
    """get(door, sets) -> the Server for that door and those --set options."""
    started = {}

    def get(door, sets):
        key = (door, sets)
        srv = started.get(key)
        if srv is None:
            tmp = tempfile.mkdtemp(prefix="ms-e2e-cases-", dir="/tmp")
            framed = "server.thrift_transport=framed" in sets
            srv = started[key] = Server(pg, pg.createdb(), tmp, sets=list(sets), framed=framed)
        return srv

    yield get
    errors = []
    for srv in started.values():
        try:
            srv.stop_and_check()
        except AssertionError as e:
            errors.append(str(e))
        finally:
            shutil.rmtree(srv.tmp, ignore_errors=True)
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="module")
def spec():
    """The spec validator, or None where node or the spec is missing (a
    failure under CI, as elsewhere)."""
    try:
        require_node()
        require_spec()
    except pytest.skip.Exception:
        return None
    return spec_validator()


def case_id(path):
    return "%s/%s" % (os.path.basename(os.path.dirname(path)),
                      os.path.splitext(os.path.basename(path))[0])


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_case(path, case_servers, spec):
    case = Case(path)
    srv = case_servers(case.door, case.server_sets())
    if case.door == "rest":
        RestCase(case, srv, spec).run()
    elif case.door == "thrift":
        ThriftCase(case, srv).run()
    else:
        pytest.fail("%s: no door %r" % (case.rel, case.door))
    assert srv.proc.poll() is None, "the server died:\n" + srv.log_tail()
    with srv.client() as c:
        assert "default" in c.get_all_databases(), "the server no longer serves"


def shown(text):
    text = text if isinstance(text, str) else text.decode("utf-8", "backslashreplace")
    if len(text) > SHOW:
        text = text[:SHOW] + "\n... (%d characters in all)" % len(text)
    return "\n".join("    " + ln for ln in text.split("\n"))


def check_sections(case, allowed):
    last = None
    for s in case.sections:
        if s.name not in allowed:
            pytest.fail("%s: unknown section %r (allowed: %s)" % (
                s.where(case), s.name, ", ".join(allowed)))
        if s.name == "reply" and last not in ("request", "call"):
            pytest.fail("%s: a reply follows no request" % s.where(case))
        if last in ("request",) and s.name != "reply":
            pytest.fail("%s: the request before has no reply section" % s.where(case))
        last = s.name
    if last == "request":
        pytest.fail("%s: the last request has no reply section" % case.rel)


# ---------------------------------------------------------------------------
# REST
# ---------------------------------------------------------------------------

class RestCase:
    def __init__(self, case, srv, spec):
        self.case = case
        self.srv = srv
        self.spec = spec
        self.vars = {"warehouse": srv.warehouse}

    def run(self):
        check_sections(self.case, ("server", "setup", "request", "reply"))
        request = None
        for s in self.case.sections:
            if s.name == "setup":
                req = self.parse_request(s)
                status, headers, body = self.send(req)
                if not 200 <= status < 300:
                    pytest.fail("%s: setup answered %d\nrequest:\n%s\nreply:\n%s" % (
                        s.where(self.case), status, shown(self.show_request(req)),
                        shown(self.show_reply(status, headers, body))), pytrace=False)
            elif s.name == "request":
                request = (s, self.parse_request(s))
            elif s.name == "reply":
                self.check(request, s)

    def parse_request(self, s):
        text = expand(s.text, self.vars)
        head, _, body = text.partition("\n\n")
        lines = head.split("\n")
        try:
            method, target = lines[0].split()
        except ValueError:
            pytest.fail("%s: the first line is METHOD /path, not %r" % (s.where(self.case),
                                                                         lines[0]))
        headers = []
        for ln in lines[1:]:
            name, sep, value = ln.partition(":")
            if not sep:
                pytest.fail("%s: %r is no header (a blank line comes before the body)"
                            % (s.where(self.case), ln))
            headers.append((name.strip(), value.strip()))
        data = body.encode("utf-8")
        if "escapes" in s.options:
            data = unescape(data)
        if data and not any(n.lower() == "content-type" for n, _ in headers):
            headers.append(("Content-Type", "application/json"))
        return method, target, headers, data

    def send(self, req):
        method, target, headers, data = req
        c = http.client.HTTPConnection("127.0.0.1", self.srv.rest_port, timeout=60)
        try:
            has_ct = any(n.lower() == "content-type" for n, _ in headers)
            c.request(method, target, body=data if (data or has_ct) else None,
                      headers=dict(headers))
            r = c.getresponse()
            body = r.read()
            return r.status, [(k.lower(), v) for k, v in r.getheaders()], body
        finally:
            c.close()

    @staticmethod
    def show_request(req):
        method, target, headers, data = req
        out = "%s %s\n" % (method, target) + "".join("%s: %s\n" % h for h in headers)
        return out + ("\n" + data.decode("utf-8", "backslashreplace") if data else "")

    @staticmethod
    def show_reply(status, headers, body):
        out = "%d\n" % status + "".join("%s: %s\n" % h for h in headers)
        if body:
            try:
                text = json.dumps(json.loads(body), indent=2, sort_keys=True)
            except ValueError:
                text = body.decode("utf-8", "backslashreplace")
            out += "\n" + text
        return out

    def check(self, request, s):
        sec, req = request
        status, headers, body = self.send(req)
        problems = self.compare(s, req, status, headers, body)
        if problems:
            pytest.fail("%s: the reply differs (request at line %d)\n  %s\nrequest:\n%s\n"
                        "expected:\n%s\nactual:\n%s" % (
                            s.where(self.case), sec.lineno, "\n  ".join(problems),
                            shown(self.show_request(req)),
                            shown(expand(s.text, self.vars)),
                            shown(self.show_reply(status, headers, body))), pytrace=False)

    def compare(self, s, req, status, headers, body):
        text = expand(s.text, self.vars)
        head, _, want_body = text.partition("\n\n")
        lines = head.split("\n")
        problems = []
        want_status = int(lines[0].split()[0])
        if status != want_status:
            problems.append("status %d, expected %d" % (status, want_status))
        got = {}
        for k, v in headers:
            got.setdefault(k, v)
        for ln in lines[1:]:
            name, sep, value = ln.partition(":")
            name, value = name.strip().lower(), value.strip()
            if value == "<absent>":
                if name in got:
                    problems.append("header %s: should be absent, is %r" % (name, got[name]))
            elif name not in got:
                problems.append("header %s: missing" % name)
            else:
                problems += match(value, got[name], "header " + name)
        doc = None
        if body:
            try:
                doc = json.loads(body)
            except ValueError:
                doc = body
        if want_body.strip():
            want = load_json(want_body, "%s: the expected body" % s.where(self.case))
            if isinstance(doc, bytes):
                problems.append("the body is not JSON")
            elif not body:
                problems.append("the body is empty")
            else:
                problems += match(want, doc)
        elif body:
            problems.append("a body was not expected")
        # a HEAD reply has no body, whatever the spec's schema says
        if (self.spec and "nospec" not in s.options and req[0] != "HEAD"
                and not isinstance(doc, bytes)):
            path = req[1].split("?")[0]
            ok, errors = self.spec.validate_response(path, req[0].lower(), status, doc)
            if not ok:
                problems.append("not the spec's reply (write 'nospec' if the spec has "
                                "none):\n    " + "\n    ".join(errors))
        return problems


# ---------------------------------------------------------------------------
# Thrift
# ---------------------------------------------------------------------------

class ThriftCase:
    def __init__(self, case, srv):
        self.case = case
        self.srv = srv
        self.framed = srv.framed
        self.vars = {"warehouse": srv.warehouse}
        self.conn = None

    def run(self):
        check_sections(self.case, ("server", "call", "reply"))
        call = None
        try:
            for s in self.case.sections:
                if s.name == "call":
                    call = (s, self.send(s))
                elif s.name == "reply":
                    if call is None:
                        pytest.fail("%s: the connection was closed after the call" %
                                    s.where(self.case))
                    self.check(call, s)
                    if "closed" in s.options:
                        call = None
        finally:
            self.close()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, s):
        try:
            data = parse_hex(s.raw)
        except ValueError as e:
            pytest.fail("%s: %s" % (s.where(self.case), e))
        if self.conn is None:
            self.conn = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        try:
            self.conn.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the server may close before everything is sent
        if "half-close" in s.options:
            self.conn.shutdown(socket.SHUT_WR)
        if "close" in s.options:
            self.close()
        return data

    def read(self, n):
        buf = b""
        while len(buf) < n:
            try:
                d = self.conn.recv(n - len(buf))
            except socket.timeout:
                raise Truncated("no reply within 10 s")
            except ConnectionResetError:
                raise Truncated("connection reset")
            if not d:
                raise Truncated("connection closed")
            buf += d
        return buf

    def check(self, call, s):
        sec, data = call
        problems, actual = [], ""
        if self.conn is None:
            pytest.fail("%s: no connection (the call closed it)" % s.where(self.case))
        if "closed" in s.options:
            got = b""
            try:
                while True:
                    d = self.conn.recv(65536)
                    if not d:
                        break
                    got += d
            except socket.timeout:
                problems.append("the server kept the connection open")
            except ConnectionResetError:
                pass
            self.close()
            if got:
                problems.append("the server answered before closing")
                actual = annotate(got, self.framed)
            else:
                actual = "(closed)" if not problems else "(open, nothing sent)"
        else:
            w = Walker(self.read)
            try:
                header = w.message(self.framed)
            except (Truncated, Malformed) as e:
                problems.append("no whole reply: %s" % (e,))
                actual = annotate(bytes(w.data), self.framed) if w.data else "(nothing)"
            else:
                actual = w.text() + "\n# decoded: " + json.dumps(self.decoded(header),
                                                                  sort_keys=True)
                if "bytes" in s.options:
                    want = parse_hex(s.raw)
                    if bytes(w.data) != want:
                        problems.append("other bytes than expected")
                else:
                    problems += self.compare(s, header)
        if problems:
            pytest.fail("%s: the reply differs (call at line %d)\n  %s\ncall:\n%s\n"
                        "expected:\n%s\nactual:\n%s" % (
                            s.where(self.case), sec.lineno, "\n  ".join(problems),
                            shown(annotate(data, self.framed)),
                            shown(s.raw.strip("\n") or "(--- reply %s)" % " ".join(s.options)),
                            shown(actual)), pytrace=False)

    @staticmethod
    def decoded(header):
        """{"TYPE name seqid": ..., key: value} where key is success or the
        exception's type."""
        name, mtype, seqid, cls, value = header
        out = {"message": "%s %s %d" % (mtype, name, seqid)}
        if mtype == "EXCEPTION":
            v = dict(value)
            if isinstance(v.get("type"), int):
                v["type"] = APP_ERRORS.get(v["type"], v["type"])
            out["TApplicationException"] = v
            return out
        for k, v in value.items():
            if isinstance(v, dict) and "__class__" in v and k != "success":
                out[v["__class__"]] = plain(v)
            else:
                out[k] = plain(v)
        return out

    def compare(self, s, header):
        text = expand(s.text, self.vars).strip()
        first, _, rest = text.partition("\n")
        got = self.decoded(header)
        problems = []
        if " ".join(first.split()) != got["message"]:
            problems.append("message %r, expected %r" % (got["message"], first))
        key, sep, value = rest.partition(":")
        key = key.strip()
        if not sep or not key:
            pytest.fail("%s: after 'TYPE name seqid' comes 'success: JSON' or "
                        "'ExceptionType: JSON'" % s.where(self.case))
        want = load_json(value, "%s: the expected value" % s.where(self.case))
        others = sorted(k for k in got if k not in ("message", key))
        if key == "success" and want is None:
            if "success" in got:
                problems.append("a result came: %.300r" % (got["success"],))
        elif key not in got:
            problems.append("no %s in the reply" % key)
        else:
            problems += match(want, got[key])
        if others:
            problems.append("the reply also holds %s" % ", ".join(others))
        return problems

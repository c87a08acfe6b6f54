"""Protocol cases as data (tests/data, described in tests/data/README.md):
reading a case file, the JSON matchers, the hex notation of Thrift bytes,
and a Thrift binary-protocol walker that decodes and annotates a message.

Used by the runner (test_data_cases.py) and by tests/data/encode.py, which
writes the hex of a call for a new case. No server or fixture here.
"""
import io
import json
import os
import random
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.path.join(HERE, "..", "data"))

# ---------------------------------------------------------------------------
# case files
# ---------------------------------------------------------------------------

SECTION_RE = re.compile(r"^--- ([a-z-]+)((?: [a-z-]+)*)\s*$")


class Section:
    def __init__(self, name, options, lineno):
        self.name = name
        self.options = options
        self.lineno = lineno
        self.lines = []

    @property
    def text(self):
        """The section's lines, comments removed, trailing blank lines dropped."""
        lines = [ln for ln in self.lines if not ln.startswith("#")]
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)

    @property
    def raw(self):
        """The section's lines with the comments (for the hex notation)."""
        return "\n".join(self.lines)

    def where(self, case):
        return "%s:%d" % (case.rel, self.lineno)


class Case:
    """A parsed case file: door ('rest' or 'thrift'), title (its leading
    comment lines) and sections in file order."""

    def __init__(self, path):
        self.path = path
        self.rel = os.path.relpath(path, os.path.dirname(os.path.dirname(DATA)))
        self.door = os.path.basename(os.path.dirname(path))
        self.title = []
        self.sections = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f.read().split("\n"), 1):
                m = SECTION_RE.match(line)
                if m:
                    self.sections.append(Section(m.group(1), m.group(2).split(), n))
                elif self.sections:
                    self.sections[-1].lines.append(line)
                elif line.startswith("#"):
                    self.title.append(line.lstrip("# ").rstrip())
                elif line.strip():
                    raise ValueError("%s:%d: text before the first section" % (self.rel, n))

    def server_sets(self):
        """The --set options of the case's server (its 'server' section)."""
        sets = []
        for s in self.sections:
            if s.name == "server":
                sets += [ln.strip() for ln in s.text.split("\n") if ln.strip()]
        return tuple(sorted(sets))


def all_cases():
    out = []
    for door in ("rest", "thrift"):
        d = os.path.join(DATA, door)
        if os.path.isdir(d):
            out += [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".case")]
    return out


EXPAND_RE = re.compile(r"\$\{(\w+)((?: [^}]*)?)\}")


def expand(text, variables):
    """${name} from variables; ${repeat N TEXT} is TEXT N times."""
    def one(m):
        name, arg = m.group(1), m.group(2).strip()
        if name == "repeat":
            n, _, what = arg.partition(" ")
            return what * int(n)
        if name not in variables:
            raise ValueError("unknown ${%s}" % name)
        return variables[name]
    return EXPAND_RE.sub(one, text)


ESCAPE_RE = re.compile(rb"\\(x[0-9a-fA-F]{2}|[nrt0\\\"])")


def unescape(data):
    """Bytes with \\xNN, \\n, \\r, \\t, \\0, \\\\ and \\" decoded."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\0", b"\\": b"\\", b'"': b'"'}

    def one(m):
        e = m.group(1)
        return bytes([int(e[1:], 16)]) if e[:1] == b"x" else simple[e]
    return ESCAPE_RE.sub(one, data)


# ---------------------------------------------------------------------------
# structural JSON comparison
# ---------------------------------------------------------------------------

ANY, ABSENT, MORE = "<any>", "<absent>", "..."


def match(expected, actual, where="$"):
    """The differences between an expected value (with the matchers of
    tests/data/README.md) and an actual one, as a list of strings."""
    if isinstance(expected, str):
        if expected == ANY:
            return []
        if expected.startswith("<re:") and expected.endswith(">"):
            if isinstance(actual, str) and re.search(expected[4:-1], actual, re.S):
                return []
            return ["%s: %.200r does not match %s" % (where, actual, expected)]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ["%s: expected an object, got %.200r" % (where, actual)]
        out = []
        for k, v in expected.items():
            if k == MORE:
                continue
            if v == ABSENT:
                if k in actual:
                    out.append("%s.%s: should be absent, is %.200r" % (where, k, actual[k]))
            elif k not in actual:
                out.append("%s.%s: missing" % (where, k))
            else:
                out += match(v, actual[k], "%s.%s" % (where, k))
        if MORE not in expected:
            extra = sorted(set(actual) - set(expected))
            if extra:
                out.append("%s: unexpected members %s" % (where, ", ".join(extra)))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return ["%s: expected an array, got %.200r" % (where, actual)]
        if expected and expected[-1] == MORE:
            # each listed item matches a distinct item of the reply, any order
            left = list(range(len(actual)))
            out = []
            for i, e in enumerate(expected[:-1]):
                hit = next((j for j in left if not match(e, actual[j])), None)
                if hit is None:
                    out.append("%s: no item matches %.200r" % (where, e))
                else:
                    left.remove(hit)
            return out
        if len(expected) != len(actual):
            return ["%s: %d items expected, got %d: %.300r" % (where, len(expected), len(actual),
                                                               actual)]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += match(e, a, "%s[%d]" % (where, i))
        return out
    if type(expected) is bool or type(actual) is bool:
        same = type(expected) is type(actual) and expected == actual
    else:
        same = expected == actual and (expected is None) == (actual is None)
    return [] if same else ["%s: expected %.200r, got %.200r" % (where, expected, actual)]


def load_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError("%s is not JSON (%s):\n%s" % (what, e, text))


# ---------------------------------------------------------------------------
# hex notation
# ---------------------------------------------------------------------------

HEX_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<text>"(?:[^"\\\n]|\\.)*")
  | (?P<random>random\(\s*(?P<seed>\d+)\s*,\s*(?P<n>\d+)\s*\))
  | (?P<open>\()
  | (?P<close>\)\s*\*\s*(?P<times>\d+))
  | (?P<hex>[0-9a-fA-F]+)
""", re.X)


def parse_hex(text):
    """The bytes written in the hex notation of tests/data/README.md."""
    stack = [bytearray()]
    pos = 0
    while pos < len(text):
        m = HEX_TOKEN_RE.match(text, pos)
        if not m:
            line = text.count("\n", 0, pos) + 1
            raise ValueError("hex notation, line %d of the section: cannot read %r"
                             % (line, text[pos:pos + 20]))
        pos = m.end()
        if m.group("space") or m.group("comment"):
            continue
        if m.group("text"):
            stack[-1] += unescape(m.group("text")[1:-1].encode("utf-8"))
        elif m.group("random"):
            rnd = random.Random(int(m.group("seed")))
            stack[-1] += bytes(rnd.getrandbits(8) for _ in range(int(m.group("n"))))
        elif m.group("open"):
            stack.append(bytearray())
        elif m.group("close"):
            if len(stack) == 1:
                raise ValueError("hex notation: ')' without '('")
            group = stack.pop()
            stack[-1] += bytes(group) * int(m.group("times"))
        elif m.group("hex"):
            h = m.group("hex")
            if len(h) % 2:
                raise ValueError("hex notation: odd number of digits in %r" % h)
            stack[-1] += bytes.fromhex(h)
    if len(stack) != 1:
        raise ValueError("hex notation: '(' without ')*N'")
    return bytes(stack[0])


def hexs(data):
    return " ".join("%02x" % b for b in data)


def quoted(data):
    """data as a "text" token when it is mostly printable, else None."""
    out = []
    for b in data:
        if 0x20 <= b < 0x7f and b not in (0x22, 0x5c):
            out.append(chr(b))
        elif b in (0x22, 0x5c):
            out.append("\\" + chr(b))
        else:
            out.append("\\x%02x" % b)
    return '"' + "".join(out) + '"'


# ---------------------------------------------------------------------------
# Thrift binary protocol: a walker that decodes and annotates one message
# ---------------------------------------------------------------------------

STOP, BOOL, BYTE, DOUBLE, I16, I32, I64, STRING, STRUCT, MAP, SET, LIST = (
    0, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15)
TYPE_NAMES = {BOOL: "bool", BYTE: "byte", DOUBLE: "double", I16: "i16", I32: "i32",
              I64: "i64", STRING: "string", STRUCT: "struct", MAP: "map", SET: "set",
              LIST: "list"}
MESSAGE_TYPES = {1: "CALL", 2: "REPLY", 3: "EXCEPTION", 4: "ONEWAY"}
APP_ERRORS = {0: "UNKNOWN", 1: "UNKNOWN_METHOD", 2: "INVALID_MESSAGE_TYPE", 3: "WRONG_METHOD_NAME",
              4: "BAD_SEQUENCE_ID", 5: "MISSING_RESULT", 6: "INTERNAL_ERROR",
              7: "PROTOCOL_ERROR", 8: "INVALID_TRANSFORM", 9: "INVALID_PROTOCOL",
              10: "UNSUPPORTED_CLIENT_TYPE"}
# TApplicationException as a struct spec (thrift_spec shape)
APP_SPEC = (None, (1, STRING, "message", "UTF8", None), (2, I32, "type", None, None))


class Truncated(Exception):
    """The stream ended inside a message."""


class Malformed(Exception):
    """Bytes that are not a binary-protocol message."""


def _services():
    from hive_metastore import FacebookService, ThriftHiveMetastore
    return (ThriftHiveMetastore, FacebookService)


def message_spec(name, mtype):
    """(class name, thrift_spec) of a message's struct: the method's _args for
    CALL/ONEWAY, _result for REPLY, TApplicationException for EXCEPTION."""
    if mtype == 3:
        return "TApplicationException", APP_SPEC
    suffix = "_args" if mtype in (1, 4) else "_result"
    for mod in _services():
        cls = getattr(mod, name + suffix, None)
        if cls is not None:
            return cls.__name__, cls.thrift_spec
    return None, None


class Walker:
    """Reads one message from read(n) (which returns exactly n bytes or
    raises Truncated), keeping the bytes, one annotated line per item and the
    decoded value: structs become dicts by field name (f<id> when unknown),
    lists and sets lists, maps dicts, strings str (bytes that are not UTF-8
    as \\x escapes)."""

    MAX_DEPTH = 64

    def __init__(self, read):
        self._read = read
        self.data = bytearray()
        self.lines = []         # (depth, bytes, comment)
        self.pending = b""      # a field header waiting for its value's line

    def read(self, n):
        b = self._read(n)
        self.data += b
        return b

    def line(self, depth, data, comment):
        if self.pending:
            data = self.pending + data
            self.pending = b""
        self.lines.append((depth, data, comment))

    def flush(self, depth, comment):
        self.lines.append((depth, self.pending, comment))
        self.pending = b""

    def message(self, framed=False):
        """(name, type, seqid, struct class name, value)."""
        if framed:
            b = self.read(4)
            self.line(0, b, "frame of %d bytes" % struct.unpack("!i", b)[0])
        b = self.read(4)
        v = struct.unpack("!i", b)[0]
        if v >= 0 or (v & 0xffff0000) != 0x80010000:
            raise Malformed("no strict binary-protocol header: %s" % hexs(b))
        mtype = v & 0xff
        self.line(0, b, "binary protocol version 1, %s" % MESSAGE_TYPES.get(mtype, mtype))
        nb = self.read(4)
        n = struct.unpack("!i", nb)[0]
        if n < 0 or n > 1024:
            raise Malformed("method name of %d bytes" % n)
        name_b = self.read(n)
        name = name_b.decode("utf-8", "backslashreplace")
        self.line(0, nb + name_b, "method name")
        sb = self.read(4)
        seqid = struct.unpack("!i", sb)[0]
        self.line(0, sb, "seqid %d" % seqid)
        cls, spec = message_spec(name, mtype)
        value = self.struct(spec, 0, cls or "arguments")
        return name, MESSAGE_TYPES.get(mtype, mtype), seqid, cls, value

    def struct(self, spec, depth, what):
        if depth > self.MAX_DEPTH:
            raise Malformed("structs nested deeper than %d" % self.MAX_DEPTH)
        out = {}
        while True:
            t = self.read(1)
            ttype = t[0]
            if ttype == STOP:
                self.line(depth, t, "end of %s" % what)
                return out
            ib = self.read(2)
            fid = struct.unpack("!h", ib)[0]
            entry = spec[fid] if spec and 0 <= fid < len(spec) and spec[fid] else None
            name = entry[2] if entry and entry[1] == ttype else "f%d" % fid
            args = entry[3] if entry and entry[1] == ttype else None
            self.pending = t + ib
            label = "%d: %s" % (fid, name)
            out[name] = self.value(ttype, args, depth, label)

    def value(self, ttype, args, depth, label):
        """Reads a value of ttype; 'label' names it in the annotation."""
        fixed = {BOOL: ("!?", 1), BYTE: ("!b", 1), I16: ("!h", 2), I32: ("!i", 4),
                 I64: ("!q", 8), DOUBLE: ("!d", 8)}
        if ttype in fixed:
            fmt, n = fixed[ttype]
            b = self.read(n)
            v = struct.unpack(fmt, b)[0]
            self.line(depth, b, "%s = %r" % (label, v))
            return v
        if ttype == STRING:
            nb = self.read(4)
            n = struct.unpack("!i", nb)[0]
            if n < 0 or n > 64 * 1024 * 1024:
                raise Malformed("%s: string of %d bytes" % (label, n))
            b = self.read(n)
            v = b.decode("utf-8", "backslashreplace")
            self.line(depth, nb + b, label)
            return v
        if ttype == STRUCT:
            cls, spec = (args[0].__name__, args[1]) if args else ("struct", None)
            self.flush(depth, "%s: %s" % (label, cls))
            v = self.struct(spec, depth + 1, cls)
            return {"__class__": cls, **v} if args else v
        if ttype in (LIST, SET):
            hb = self.read(5)
            etype, n = struct.unpack("!bi", hb)
            if n < 0 or n > 1000000:
                raise Malformed("%s: %d elements" % (label, n))
            eargs = args[1] if args else None
            self.line(depth, hb, "%s: %s of %d %s" % (label, TYPE_NAMES[ttype], n,
                                                       TYPE_NAMES.get(etype, etype)))
            return [self.value(etype, eargs, depth + 1, "[%d]" % i) for i in range(n)]
        if ttype == MAP:
            hb = self.read(6)
            ktype, vtype, n = struct.unpack("!bbi", hb)
            if n < 0 or n > 1000000:
                raise Malformed("%s: %d entries" % (label, n))
            kargs, vargs = (args[1], args[3]) if args else (None, None)
            self.line(depth, hb, "%s: map of %d %s -> %s" % (
                label, n, TYPE_NAMES.get(ktype, ktype), TYPE_NAMES.get(vtype, vtype)))
            out = {}
            for i in range(n):
                k = self.value(ktype, kargs, depth + 1, "key")
                out[str(k)] = self.value(vtype, vargs, depth + 1, "value")
            return out
        raise Malformed("%s: unknown type %d" % (label, ttype))

    def text(self):
        """The message in the hex notation, one item a line with comments."""
        rows = []
        for depth, data, comment in self.lines:
            rows.append((depth, notation(data, depth), comment))
        width = min(max((2 * d + len(t) for d, t, _ in rows), default=0), 56)
        return "\n".join("%-*s  # %s" % (width, "  " * d + t, c) for d, t, c in rows)


def notation(data, depth=0):
    """Bytes as hex, with a string's payload after its 4-byte length (or a
    method name) as a "text" token when that reads better."""
    # a field header (3 bytes) or nothing, then a 4-byte length and payload
    for head in (3, 0):
        if len(data) >= head + 4:
            n = struct.unpack("!i", data[head:head + 4])[0]
            if n == len(data) - head - 4 and n > 0:
                payload = data[head + 4:]
                printable = sum(1 for b in payload if 0x20 <= b < 0x7f)
                if printable * 4 >= len(payload) * 3:
                    return (hexs(data[:head + 4]) + " " + quoted(payload)).strip()
    return hexs(data)


def plain(value):
    """A decoded value without the struct class markers."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "__class__"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_message(data, framed=False):
    """A Walker that read one message from bytes (Truncated if they end)."""
    f = io.BytesIO(data)

    def read(n):
        b = f.read(n)
        if len(b) != n:
            raise Truncated()
        return b
    w = Walker(read)
    w.message(framed)
    return w, f.read()


def annotate(data, framed=False):
    """The hex notation of a message (or of what bytes there are)."""
    try:
        w, rest = read_message(data, framed)
    except (Truncated, Malformed, struct.error) as e:
        return "%s\n# not one whole message (%s)" % (hexs(data), e.__class__.__name__)
    text = w.text()
    if rest:
        text += "\n%s  # bytes after the message" % hexs(rest)
    return text


# ---------------------------------------------------------------------------
# writing a call
# ---------------------------------------------------------------------------

CALL_RE = re.compile(r"\s*(\w+)\s*\((.*)\)\s*$", re.S)


def encode_call(expr, seqid=1, framed=False, oneway=None):
    """(bytes, hex notation) of a call written as Python, e.g.
    'create_database(Database(name="x\\0y", parameters={}))'. The names of
    hive_metastore.ttypes are in scope; a bytes value is sent as it is."""
    from hive_metastore import ttypes
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TTransport

    m = CALL_RE.match(expr)
    if not m:
        raise ValueError("write the call as method(arg, ...): %r" % expr)
    method = m.group(1)
    cls = mod = None
    for mod in _services():
        cls = getattr(mod, method + "_args", None)
        if cls:
            break
    if cls is None:
        raise ValueError("no method %s in the IDL" % method)
    scope = {k: getattr(ttypes, k) for k in dir(ttypes) if not k.startswith("_")}
    scope["_call"] = lambda *a, **k: (a, k)
    pos, kw = eval("_call(" + m.group(2) + ")", scope)
    names = [e[2] for e in cls.thrift_spec if e]
    if len(pos) > len(names):
        raise ValueError("%s takes %d arguments" % (method, len(names)))
    kw.update(zip(names, pos))
    args = cls(**kw)

    class Raw(TBinaryProtocol.TBinaryProtocol):
        def writeString(self, value):
            self.writeBinary(value if isinstance(value, bytes) else value.encode("utf-8"))

    buf = TTransport.TMemoryBuffer()
    proto = Raw(buf)
    if oneway is None:
        oneway = not hasattr(mod, method + "_result")
    proto.writeMessageBegin(method, 4 if oneway else 1, seqid)
    args.write(proto)
    proto.writeMessageEnd()
    data = buf.getvalue()
    if framed:
        data = struct.pack("!i", len(data)) + data
    return data, annotate(data, framed)

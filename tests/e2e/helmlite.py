"""helmlite: renders a Helm chart's templates without helm (which Debian does
not package), for tests/e2e/test_chart.py. It implements the subset of Go's
text/template and of Helm's and sprig's functions that charts/metastore
uses: actions with trim markers, comments, pipelines, parentheses,
variables, if / else if / else, range (lists and maps, keys sorted as Go
does), with, define / include / template, and the functions in FUNCS.
Anything else is an error, so a template that strays outside the subset
fails the tests instead of rendering wrongly."""
import base64
import copy
import decimal
import hashlib
import json
import os
import re

import yaml


class TemplateError(Exception):
    pass


# ---- lexing -------------------------------------------------------------

ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
TOKEN = re.compile(r"""
   (?P<ws>\s+)
 | (?P<str>"(?:[^"\\]|\\.)*")
 | (?P<raw>`[^`]*`)
 | (?P<op>:=|=|\||\(|\)|,)
 | (?P<var>\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)
 | (?P<field>\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?)
 | (?P<num>-?\d+(?:\.\d+)?)
 | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
""", re.X)


def lex_action(src):
    out, pos = [], 0
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            raise TemplateError("cannot lex %r" % src[pos:])
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        text = m.group(kind)
        if kind == "str":
            out.append(("lit", json.loads(text)))
        elif kind == "raw":
            out.append(("lit", text[1:-1]))
        elif kind == "num":
            out.append(("lit", float(text) if "." in text else int(text)))
        elif kind == "ident" and text in ("true", "false", "nil"):
            out.append(("lit", {"true": True, "false": False, "nil": None}[text]))
        else:
            out.append((kind, text))
    return out


def split_template(text):
    """Text and actions, trim markers applied: [("text", s) | ("act", s)]."""
    parts, pos = [], 0
    for m in ACTION.finditer(text):
        chunk = text[pos:m.start()]
        if m.group(1):
            chunk = chunk.rstrip()
        parts.append(["text", chunk])
        parts.append(["act", m.group(2).strip(), bool(m.group(3))])
        pos = m.end()
    parts.append(["text", text[pos:]])
    for i, p in enumerate(parts):
        if p[0] == "act" and p[2] and i + 1 < len(parts):
            parts[i + 1][1] = parts[i + 1][1].lstrip()
    return [(p[0], p[1]) for p in parts]


# ---- parsing --------------------------------------------------------------

def parse_pipeline(tokens):
    decl, assign = [], None
    i = 0
    while i < len(tokens) and tokens[i][0] == "var":
        i += 1
        if i < len(tokens) and tokens[i] == ("op", ","):
            i += 1
            continue
        break
    if i < len(tokens) and tokens[i][0] == "op" and tokens[i][1] in (":=", "="):
        decl = [t[1] for t in tokens[:i] if t[0] == "var"]
        assign = tokens[i][1]
        tokens = tokens[i + 1:]
    cmds, cur, depth = [], [], 0
    for t in tokens:
        if t == ("op", "(") :
            depth += 1
        elif t == ("op", ")"):
            depth -= 1
        if t == ("op", "|") and depth == 0:
            cmds.append(cur)
            cur = []
        else:
            cur.append(t)
    cmds.append(cur)
    return {"decl": decl, "assign": assign, "cmds": [parse_command(c) for c in cmds]}


def parse_command(tokens):
    ops, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if t == ("op", "("):
            depth, j = 1, i + 1
            while depth:
                if j >= len(tokens):
                    raise TemplateError("unbalanced parenthesis")
                if tokens[j] == ("op", "("):
                    depth += 1
                elif tokens[j] == ("op", ")"):
                    depth -= 1
                j += 1
            ops.append(("pipe", parse_pipeline(tokens[i + 1:j - 1])))
            i = j
        else:
            ops.append(t)
            i += 1
    if not ops:
        raise TemplateError("empty command")
    return ops


def parse(text):
    """The node tree of one template file, and the defines it holds."""
    defines = {}
    root = {"kind": "list", "body": []}
    stack = [root]

    def body():
        node = stack[-1]
        return node["branches"][-1][1] if node["kind"] in ("if", "range", "with") else node["body"]

    for kind, s in split_template(text):
        if kind == "text":
            if s:
                body().append(("text", s))
            continue
        if s.startswith("/*"):
            continue
        toks = lex_action(s)
        if not toks:
            raise TemplateError("empty action")
        head = toks[0][1] if toks[0][0] == "ident" else None
        if head in ("if", "with", "range"):
            node = {"kind": head, "branches": [(parse_pipeline(toks[1:]), [])], "else": None}
            body().append(("node", node))
            stack.append(node)
        elif head == "else":
            node = stack[-1]
            if len(toks) > 1 and toks[1] == ("ident", "if"):
                node["branches"].append((parse_pipeline(toks[2:]), []))
            else:
                node["branches"].append((None, []))
        elif head == "end":
            node = stack.pop()
            if node["kind"] == "define":
                defines[node["name"]] = node["body"]
        elif head == "define":
            node = {"kind": "define", "name": toks[1][1], "body": []}
            stack.append(node)
        elif head == "template":
            arg = parse_pipeline(toks[2:]) if len(toks) > 2 else None
            body().append(("template", toks[1][1], arg))
        else:
            body().append(("action", parse_pipeline(toks)))
    if len(stack) != 1:
        raise TemplateError("missing {{ end }}")
    return root["body"], defines


# ---- values as Go prints them ---------------------------------------------

def truthy(v):
    return not (v is None or v is False or v == 0 and not isinstance(v, bool)
                or (isinstance(v, (str, list, dict, tuple)) and len(v) == 0))


def go_float(f):
    """A number as Go prints a float64 with %v (Helm reads every number of
    the values as float64): strconv's 'g' with the shortest precision, which
    switches to the exponent form below 1e-4 and from 1e6 on (1e+06,
    1.6777216e+07)."""
    if f == 0:
        return "0"
    sign, digits, exp = decimal.Decimal(repr(float(f))).normalize().as_tuple()
    digits = "".join(map(str, digits))  # normalized: no trailing zeros
    x = len(digits) + exp - 1
    neg = "-" if sign else ""
    if x < -4 or x >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (neg, mant, "-" if x < 0 else "+", abs(x))
    if exp >= 0:
        return neg + digits + "0" * exp
    point = len(digits) + exp
    if point > 0:
        return neg + digits[:point] + "." + digits[point:]
    return neg + "0." + "0" * (-point) + digits


class GoInt(int):
    """An int64 (from int64): printed as an integer, unlike values' float64."""


def go_kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, GoInt):
        return "int64"
    if isinstance(v, (int, float)):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, list):
        return "slice"
    return "invalid"


def gostr(v):
    if isinstance(v, GoInt):
        return str(int(v))
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return go_float(v)
    if isinstance(v, dict):
        return "map[" + " ".join("%s:%s" % (k, gostr(v[k])) for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(gostr(x) for x in v) + "]"
    return str(v)


def to_yaml(v):
    if v is None:
        return "null"
    return yaml.safe_dump(v, default_flow_style=False, sort_keys=True,
                          allow_unicode=True, width=10 ** 6).rstrip("\n")


def go_printf(fmt, *args):
    args = list(args)

    def sub(m):
        verb = m.group(1)
        if verb == "%":
            return "%"
        v = args.pop(0)
        if verb == "d":
            return str(int(v))
        if verb == "q":
            return json.dumps(gostr(v))
        return gostr(v)
    return re.sub(r"%([svdq%])", sub, fmt)


def indent(n, s):
    pad = " " * n
    return "\n".join(pad + line for line in s.split("\n"))


def _fail(msg):
    raise TemplateError(msg)


def _required(msg, v):
    if not truthy(v) and v is not False and v != 0:
        raise TemplateError(msg)
    return v


FUNCS = {
    "default": lambda d, v=None: v if truthy(v) else d,
    "trunc": lambda n, s: s[:n],
    "trimSuffix": lambda suf, s: s[:-len(suf)] if suf and s.endswith(suf) else s,
    "contains": lambda sub, s: sub in s,
    "printf": go_printf,
    "replace": lambda old, new, s: s.replace(old, new),
    "quote": lambda *vs: " ".join(json.dumps(gostr(v)) for v in vs),
    "nindent": lambda n, s: "\n" + indent(n, s),
    "indent": indent,
    "toYaml": to_yaml,
    "not": lambda v: not truthy(v),
    "eq": lambda a, *bs: any(a == b for b in bs),
    "ne": lambda a, b: a != b,
    "and": lambda *vs: next((v for v in vs if not truthy(v)), vs[-1]),
    "or": lambda *vs: next((v for v in vs if truthy(v)), vs[-1]),
    "has": lambda needle, lst: needle in (lst or []),
    "list": lambda *vs: list(vs),
    "dict": lambda *kv: {kv[i]: kv[i + 1] for i in range(0, len(kv), 2)},
    "b64enc": lambda s: base64.b64encode(gostr(s).encode()).decode(),
    "sha256sum": lambda s: hashlib.sha256(gostr(s).encode()).hexdigest(),
    "empty": lambda v: not truthy(v),
    "required": _required,
    "fail": _fail,
    "int": lambda v: int(v or 0),
    "int64": lambda v: GoInt(int(v or 0)),
    "kindIs": lambda kind, v: kind == go_kind(v),
    "toString": gostr,
    "trim": lambda s: s.strip(),
    "upper": lambda s: s.upper(),
    "lower": lambda s: s.lower(),
}


# ---- evaluation -------------------------------------------------------------

class Renderer:
    def __init__(self, defines):
        self.defines = defines

    def field(self, v, path, what):
        for name in path:
            if v is None:
                raise TemplateError("nil pointer evaluating %s" % what)
            if not isinstance(v, dict):
                raise TemplateError("can't evaluate field %s in %s" % (name, what))
            v = v.get(name)
        return v

    def lookup(self, scopes, name):
        for s in reversed(scopes):
            if name in s:
                return s[name]
        raise TemplateError("undefined variable %s" % name)

    def operand(self, op, dot, scopes):
        kind, val = op
        if kind == "lit":
            return val
        if kind == "pipe":
            return self.pipeline(val, dot, scopes)
        if kind == "field":
            path = [p for p in val.split(".") if p]
            return self.field(dot, path, val)
        if kind == "var":
            name, *path = val.split(".")
            return self.field(self.lookup(scopes, name), path, val)
        if kind == "ident":
            return self.call(val, [], dot, scopes)
        raise TemplateError("unexpected %r" % (op,))

    def call(self, name, args, dot, scopes):
        if name in ("include", "template"):
            return self.include(args[0], args[1] if len(args) > 1 else None)
        if name not in FUNCS:
            raise TemplateError("function %r not defined (helmlite)" % name)
        return FUNCS[name](*args)

    def command(self, cmd, dot, scopes, piped):
        first = cmd[0]
        if first[0] == "ident":
            args = [self.operand(o, dot, scopes) for o in cmd[1:]]
            if piped is not _NONE:
                args.append(piped)
            return self.call(first[1], args, dot, scopes)
        if len(cmd) > 1 or piped is not _NONE:
            raise TemplateError("can't give arguments to a non-function")
        return self.operand(first, dot, scopes)

    def pipeline(self, p, dot, scopes):
        v = _NONE
        for cmd in p["cmds"]:
            v = self.command(cmd, dot, scopes, v)
        if p["decl"] and len(p["decl"]) == 1:
            if p["assign"] == ":=":
                scopes[-1][p["decl"][0]] = v
            else:
                for s in reversed(scopes):
                    if p["decl"][0] in s:
                        s[p["decl"][0]] = v
                        break
                else:
                    raise TemplateError("undefined variable %s" % p["decl"][0])
        return v

    def include(self, name, dot):
        if name not in self.defines:
            raise TemplateError("no template %r" % name)
        out = []
        self.walk(self.defines[name], dot, [{"$": dot}], out)
        return "".join(out)

    def walk(self, nodes, dot, scopes, out):
        for n in nodes:
            if n[0] == "text":
                out.append(n[1])
            elif n[0] == "action":
                v = self.pipeline(n[1], dot, scopes)
                if not n[1]["decl"]:
                    out.append(gostr(v))
            elif n[0] == "template":
                out.append(self.include(n[1], self.pipeline(n[2], dot, scopes) if n[2] else None))
            else:
                self.control(n[1], dot, scopes, out)

    def control(self, node, dot, scopes, out):
        kind = node["kind"]
        for pipe, body in node["branches"]:
            if pipe is None:
                self.walk(body, dot, scopes + [{}], out)
                return
            scope = {}
            val = self.pipeline(dict(pipe, decl=[]), dot, scopes + [scope])
            if kind == "range":
                items = (sorted(val.items()) if isinstance(val, dict)
                         else list(enumerate(val or [])))
                if items:
                    for k, v in items:
                        s = {}
                        if len(pipe["decl"]) == 2:
                            s[pipe["decl"][0]], s[pipe["decl"][1]] = k, v
                        elif len(pipe["decl"]) == 1:
                            s[pipe["decl"][0]] = v
                        self.walk(body, v, scopes + [s], out)
                    return
                continue
            if pipe["decl"]:
                scope[pipe["decl"][0]] = val
            if truthy(val):
                self.walk(body, val if kind == "with" else dot, scopes + [scope], out)
                return


_NONE = object()


# ---- charts -------------------------------------------------------------------

def merge(base, over):
    """Helm's coalescing of user values over the chart's: maps merge, a null
    removes the key, anything else replaces."""
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def render_chart(chart_dir, values=None, release="metastore", namespace="default"):
    """{template path: rendered text} for every file of templates/ but the
    partials (_*.tpl), NOTES.txt included."""
    with open(os.path.join(chart_dir, "Chart.yaml")) as f:
        chart = yaml.safe_load(f)
    with open(os.path.join(chart_dir, "values.yaml")) as f:
        vals = merge(yaml.safe_load(f) or {}, values)
    tdir = os.path.join(chart_dir, "templates")
    trees, defines = {}, {}
    for name in sorted(os.listdir(tdir)):
        with open(os.path.join(tdir, name)) as f:
            nodes, defs = parse(f.read())
        defines.update(defs)
        if not name.startswith("_"):
            trees["templates/" + name] = nodes
    root = {
        "Values": vals,
        "Chart": {"Name": chart["name"], "Version": chart["version"],
                  "AppVersion": chart.get("appVersion", "")},
        "Release": {"Name": release, "Namespace": namespace, "Service": "Helm",
                    "IsInstall": True, "IsUpgrade": False},
    }
    r = Renderer(defines)
    out = {}
    for name, nodes in trees.items():
        buf = []
        r.walk(nodes, root, [{"$": root}], buf)
        out[name] = "".join(buf)
    return out


def manifests(rendered):
    """The Kubernetes objects of a render_chart() result, NOTES.txt aside."""
    docs = []
    for name, text in sorted(rendered.items()):
        if name.endswith("NOTES.txt"):
            continue
        for d in yaml.safe_load_all(text):
            if d:
                docs.append(d)
    return docs

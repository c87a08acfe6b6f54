#!/usr/bin/env python3
"""Write the bytes of a Thrift case (tests/data/README.md) without counting them.

    tests/data/encode.py 'get_database("default")'
    tests/data/encode.py --seqid 7 --framed 'set_ugi("u", [])'
    tests/data/encode.py 'create_database(Database(name=b"bad\\xffutf8", parameters={}))'
    tests/data/encode.py --decode [--framed] < reply.hex

The first form prints the call in the hex notation, one item a line with a
comment, ready for a case's '--- call' section. The call is Python: the
method's arguments in IDL order (or by name), the types of
hive_metastore.ttypes in scope; a bytes value is sent as it is, so a case can
hold bytes that are not UTF-8. --decode reads bytes in the hex notation (a
reply copied from a failure, say) and prints them annotated.

Needs the generated Python types: gen-py of the build tree, found through
$top_builddir, PYTHONPATH or next to this script.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
for d in (os.environ.get("top_builddir"), TOP):
    if d and os.path.isdir(os.path.join(d, "gen-py")):
        sys.path.insert(0, os.path.join(d, "gen-py"))
        break

import caselib  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("call", nargs="?", help="method(arg, ...), as Python")
    ap.add_argument("--seqid", type=int, default=1)
    ap.add_argument("--framed", action="store_true",
                    help="with the 4-byte frame length (server.thrift_transport=framed)")
    ap.add_argument("--decode", action="store_true",
                    help="annotate the bytes in the hex notation read from stdin")
    a = ap.parse_args()
    if a.decode:
        print(caselib.annotate(caselib.parse_hex(sys.stdin.read()), a.framed))
        return 0
    if not a.call:
        ap.error("give a call, or --decode")
    try:
        _, text = caselib.encode_call(a.call, seqid=a.seqid, framed=a.framed)
    except (ValueError, TypeError, NameError, SyntaxError) as e:
        print("encode.py: %s" % e, file=sys.stderr)
        return 2
    print("# %s" % a.call)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

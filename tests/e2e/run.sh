#!/bin/sh
# End-to-end tests: a real PostgreSQL, the real metastore binary and the
# generated Python Thrift client. Called by `make check` with top_srcdir and
# top_builddir set; defaults to the repository holding this script.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PYTHONPATH="$top_builddir/gen-py${PYTHONPATH:+:$PYTHONPATH}"
METASTORE_BIN="$top_builddir/metastore/metastore"
export PYTHONPATH METASTORE_BIN top_srcdir top_builddir
if [ ! -x "$METASTORE_BIN" ]; then
  echo "e2e: $METASTORE_BIN not built" >&2
  exit 1
fi
# another suite of the same kind (tests/ha) names its folder in METASTORE_SUITE_DIR
dir=${METASTORE_SUITE_DIR:-$here}
cd "$dir" || exit 1
/usr/bin/python3 -m pytest -q -p no:cacheprovider -o addopts= --rootdir="$dir" "$dir" "$@"

#!/bin/sh
# The failover tests: a pg_auto_failover formation (monitor, primary,
# synchronous standby) under two metastore servers. Run by script/test after
# `make check`; needs pg_autoctl (script/bootstrap installs it) and a built
# tree. Arguments go to pytest.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
PYTHONPATH="$top_builddir/gen-py${PYTHONPATH:+:$PYTHONPATH}"
METASTORE_BIN="${METASTORE_BIN:-$top_builddir/metastore/metastore}"
export PYTHONPATH METASTORE_BIN top_srcdir top_builddir
if [ ! -x "$METASTORE_BIN" ]; then
  echo "ha: $METASTORE_BIN not built" >&2
  exit 1
fi
cd "$here" || exit 1
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider -o addopts= --rootdir="$here" "$here" "$@"

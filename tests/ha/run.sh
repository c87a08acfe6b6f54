#!/bin/sh
# The failover tests: a pg_auto_failover formation (monitor, primary,
# synchronous standby) under metastore servers, run by script/test after
# `make check`. Needs pg_autoctl (script/bootstrap installs it) and a built
# tree; the environment is tests/e2e/run.sh's. Arguments go to pytest.
here=$(cd "$(dirname "$0")" && pwd)
METASTORE_SUITE_DIR=$here exec "$here/../e2e/run.sh" "$@"

"""Fixtures of the failover tests (tests/ha): the processes come from
tests/e2e/servers.py (the metastore binary, the generated Thrift client) and
pgaf.py (a pg_auto_failover formation)."""
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import pytest  # noqa: E402

from pgaf import Formation  # noqa: E402
from servers import Server, unique  # noqa: E402,F401  (partlib imports unique from here)


@pytest.fixture(scope="module")
def formation():
    """A pg_auto_failover formation of its own for each test module."""
    f = Formation()
    try:
        f.start()
        yield f
    except BaseException:
        print(f.describe())
        raise
    finally:
        f.stop()


def _terminated(signum, frame):
    # SIGTERM (a CI timeout) unwinds like ^C, so the fixtures stop the
    # keepers and servers they started instead of leaving them behind
    raise KeyboardInterrupt("SIGTERM")


signal.signal(signal.SIGTERM, _terminated)

"""The metastore command line: schema management, version, help, configuration."""
import os
import re
import shutil
import subprocess
import tempfile
import time

from conftest import METASTORE_BIN, Client, clean_env, run_metastore


def test_schema_lifecycle_and_drift(pg):
    db = pg.createdb()
    url = pg.conninfo(db)

    r = run_metastore(["schema", "info", "--database-url", url])
    assert r.returncode == 0, r.stderr
    assert re.search(r"current version: 0\b", r.stdout), r.stdout
    assert "schema init" in r.stdout  # needs init

    r = run_metastore(["schema", "init", "--database-url", url])
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_metastore(["schema", "info", "--database-url", url])
    assert r.returncode == 0, r.stderr
    cur = int(re.search(r"current version: (\d+)", r.stdout).group(1))
    avail = int(re.search(r"available version: (\d+)", r.stdout).group(1))
    assert cur == avail > 0, r.stdout
    assert "up to date" in r.stdout

    r = run_metastore(["schema", "init", "--database-url", url])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 migrations applied" in r.stdout, r.stdout

    r = run_metastore(["schema", "validate", "--database-url", url])
    assert r.returncode == 0, r.stdout + r.stderr

    pg.psql(db, "ALTER TABLE ms_databases DROP COLUMN remote_dbname")
    r = run_metastore(["schema", "validate", "--database-url", url])
    assert r.returncode == 1, r.stdout + r.stderr
    assert any("remote_dbname" in line for line in r.stdout.splitlines()), r.stdout


def test_version_and_help():
    r = run_metastore(["version"])
    assert r.returncode == 0 and r.stdout.startswith("metastore "), r
    r = run_metastore(["serve", "--help"])
    assert r.returncode == 0, r.stderr
    assert "--database-url" in r.stdout


def test_config_precedence(pg):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-conf-", dir="/tmp")
    conf = os.path.join(tmp, "metastore.conf")
    with open(conf, "w") as f:
        f.write("[server]\nthrift_port=1\nbind=127.0.0.1\n\n[log]\nlevel=bogus\n")
    args = [METASTORE_BIN, "serve", "--config", conf, "--database-url",
            pg.conninfo(pg.createdb()), "--data-dir", os.path.join(tmp, "data"),
            "--warehouse", "file://" + os.path.join(tmp, "wh")]

    # the file's bad log.level is reported by name
    r = subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=tmp,
                       env=clean_env({"METASTORE_SERVER_THRIFT_PORT": "0"}))
    assert r.returncode != 0
    assert "log.level" in r.stderr, r.stderr
    assert "bogus" in r.stderr, r.stderr

    # the environment overrides the file: a good level, and port 0 instead of 1
    env = clean_env({"METASTORE_SERVER_THRIFT_PORT": "0", "METASTORE_LOG_LEVEL": "info"})
    log = open(os.path.join(tmp, "log"), "w")
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True, cwd=tmp, env=env)
    try:
        line = p.stdout.readline()
        m = re.search(r"metastore ready: thrift=127\.0\.0\.1:(\d+) ", line)
        assert m, (line, open(os.path.join(tmp, "log")).read())
        port = int(m.group(1))
        assert port not in (0, 1)
        with Client(port) as c:
            assert "default" in c.get_all_databases()
    finally:
        p.terminate()
        assert p.wait(15) == 0
        log.close()

    # a flag beats both: --log-level bogus fails again even with the env fixed
    r = subprocess.run(args + ["--log-level", "bogus2"], capture_output=True, text=True,
                       timeout=30, cwd=tmp, env=env)
    assert r.returncode != 0 and "bogus2" in r.stderr, r.stderr
    shutil.rmtree(tmp, ignore_errors=True)

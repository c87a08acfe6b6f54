"""mariadb_server.py: a throw-away MariaDB server (Debian's mariadb-server).

MariaDb() makes a data directory in a temporary folder with
mariadb-install-db, starts mariadbd on a free 127.0.0.1 port (and a Unix
socket in the same folder for its own set-up) as the 'mysql' user when the
tests run as root, and creates the user USER (password PASSWORD) that the
Java metastore and `metastore import` connect as. createdb() makes a new
database, sql() runs statements through the mariadb client, url(db) is the
`metastore import --from` form and jdbc(db) the Java metastore's. stop()
ends the server and removes the folder.

The server runs with sql_mode ANSI only (not strict): schematool's MySQL
scripts declare most text columns latin1, and the Java metastore writes
through them whatever a client sends; a strict server would refuse the
corpus's unicode names instead of storing '?', as MySQL and MariaDB
installations of the Java metastore commonly run.
"""
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import servers

USER = "hive"
PASSWORD = "hive pw"
IS_ROOT = os.geteuid() == 0


class MariaDb:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ms-engines-mariadb-", dir="/tmp")
        self.datadir = os.path.join(self.root, "data")
        self.socket = os.path.join(self.root, "mysqld.sock")
        self.port = servers.free_port()
        self.log = os.path.join(self.root, "mariadbd.log")
        self.proc = None
        os.chmod(self.root, 0o755)
        if IS_ROOT:
            pw = pwd.getpwnam("mysql")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        try:
            self._start()
        except Exception:
            self.stop()
            raise

    def _as_server_user(self):
        if not IS_ROOT:
            return {}
        pw = pwd.getpwnam("mysql")
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}

    def _start(self):
        p = subprocess.run(["mariadb-install-db", "--no-defaults", "--datadir=" + self.datadir,
                            "--auth-root-authentication-method=normal", "--skip-test-db",
                            "--skip-name-resolve"],
                           capture_output=True, text=True, timeout=180, cwd=self.root,
                           env=servers.clean_env({"HOME": self.root}), **self._as_server_user())
        if p.returncode != 0:
            raise RuntimeError("mariadb-install-db failed:\n%s%s" % (p.stdout, p.stderr))
        self._logf = open(self.log, "w")
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", "--datadir=" + self.datadir,
             "--socket=" + self.socket, "--port=%d" % self.port, "--bind-address=127.0.0.1",
             "--pid-file=" + os.path.join(self.root, "mariadbd.pid"), "--skip-name-resolve",
             "--sql-mode=ANSI", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
             "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin", "--max-connections=200"],
            stdout=self._logf, stderr=subprocess.STDOUT, cwd=self.root,
            env=servers.clean_env({"HOME": self.root}), start_new_session=True,
            **self._as_server_user())
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("mariadbd exited (%d):\n%s" % (self.proc.returncode,
                                                                   open(self.log).read()[-3000:]))
            if self.sql("", "SELECT 1", check=False).returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("mariadbd did not start:\n%s" % open(self.log).read()[-3000:])
            time.sleep(0.3)
        self.sql("", "CREATE USER '%s'@'%%' IDENTIFIED BY '%s'; "
                     "GRANT ALL ON *.* TO '%s'@'%%'" % (USER, PASSWORD, USER))

    def sql(self, db, statements, check=True, input=None):
        """Run 'statements' (or, with 'input', a script) in database 'db' as
        the server's root, through its socket; the completed process."""
        args = ["mariadb", "--no-defaults", "--socket=" + self.socket, "-uroot", "-N", "-B"]
        if db:
            args.append(db)
        if input is None:
            args += ["-e", statements]
        p = subprocess.run(args, input=input, capture_output=True, text=True, timeout=300,
                           env=servers.clean_env({"HOME": self.root}))
        if check and p.returncode != 0:
            raise RuntimeError("mariadb %s failed (%d):\n%s" % (statements[:200], p.returncode,
                                                                 p.stderr))
        return p

    def createdb(self):
        name = servers.unique("msmy")
        self.sql("", "CREATE DATABASE %s" % name)
        return name

    def url(self, db, scheme="mariadb"):
        """The source of `metastore import --from` for database 'db'."""
        return "%s://%s:%s@127.0.0.1:%d/%s" % (scheme, USER, PASSWORD.replace(" ", "%20"),
                                               self.port, db)

    def jdbc(self, db):
        return "jdbc:mysql://127.0.0.1:%d/%s?useSSL=false&allowPublicKeyRetrieval=true" % (
            self.port, db)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_logf", None):
            self._logf.close()
        shutil.rmtree(self.root, ignore_errors=True)

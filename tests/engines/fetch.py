#!/usr/bin/python3
"""fetch.py: the pinned downloads of the real-engines suite.

Owns tests/engines/downloads.lock, one artifact a line:

    <set> <group:artifact:version[:classifier][@ext]> <sha256>

Artifacts come from Maven Central into $METASTORE_ENGINE_CACHE/maven (by
default ~/.cache/metastore/engines), laid out as a Maven repository, and
are used only once their SHA-256 matches the lock. A file already in the
cache is checked again (cheap) and fetched anew if it does not match.
Downloads go to a temporary name and are renamed into place, so two runs
sharing the cache never see half a file.

Commands:
    fetch.py get [SET...]         fetch and verify every artifact (of SETs)
    fetch.py classpath SET        print the set's jar paths joined by ':'
    fetch.py path COORD           print one artifact's cached path
    fetch.py pin SET COORD...     (maintainers) fetch COORD, check it against
                                  Central's own .sha1, print its lock line

Standard library only: it runs before any virtual environment exists.
"""
import hashlib
import os
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LOCK = os.path.join(HERE, "downloads.lock")
CENTRAL = os.environ.get("METASTORE_MAVEN_URL", "https://repo1.maven.org/maven2")


def cache_dir():
    d = os.environ.get("METASTORE_ENGINE_CACHE")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "metastore", "engines")
    return d


class Coord:
    """A Maven coordinate: group:artifact:version[:classifier][@ext]."""

    def __init__(self, text):
        self.text = text
        ext = "jar"
        if "@" in text:
            text, ext = text.rsplit("@", 1)
        parts = text.split(":")
        if len(parts) not in (3, 4):
            raise ValueError("bad coordinate %r" % self.text)
        self.group, self.artifact, self.version = parts[:3]
        self.classifier = parts[3] if len(parts) == 4 else None
        self.ext = ext

    @property
    def filename(self):
        c = "-" + self.classifier if self.classifier else ""
        return "%s-%s%s.%s" % (self.artifact, self.version, c, self.ext)

    @property
    def relpath(self):
        return "/".join(self.group.split(".") + [self.artifact, self.version, self.filename])

    @property
    def url(self):
        return CENTRAL + "/" + self.relpath

    @property
    def path(self):
        return os.path.join(cache_dir(), "maven", *self.relpath.split("/"))


def read_lock():
    entries = []
    with open(LOCK) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) != 3 or len(fields[2]) != 64:
                sys.exit("%s:%d: expected '<set> <coordinate> <sha256>'" % (LOCK, n))
            entries.append((fields[0], Coord(fields[1]), fields[2]))
    return entries


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download(url, dest, tries=4):
    """Fetch url to dest through a temporary file; retries transient failures."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    last = None
    for attempt in range(tries):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest), prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=120) as r:
                while True:
                    chunk = r.read(1 << 20)
                    if not chunk:
                        break
                    out.write(chunk)
            os.replace(tmp, dest)
            return
        except OSError as e:   # URLError and HTTPError are OSErrors
            last = e
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if getattr(e, "code", None) == 404:
                break
            time.sleep(2 * (attempt + 1))
    raise SystemExit("fetch: %s: %s" % (url, last))


def ensure(coord, sha):
    path = coord.path
    if os.path.exists(path) and sha256_of(path) == sha:
        return path
    sys.stderr.write("fetch: %s\n" % coord.text)
    download(coord.url, path)
    got = sha256_of(path)
    if got != sha:
        os.unlink(path)
        raise SystemExit("fetch: %s: SHA-256 %s, the lock says %s" % (coord.text, got, sha))
    return path


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "get":
        for s, c, sha in read_lock():
            if not args or s in args:
                ensure(c, sha)
    elif cmd == "classpath" and len(args) == 1:
        paths = [ensure(c, sha) for s, c, sha in read_lock() if s == args[0]]
        if not paths:
            sys.exit("fetch: no artifact in set %r" % args[0])
        print(":".join(paths))
    elif cmd == "path" and len(args) == 1:
        for s, c, sha in read_lock():
            if c.text == args[0]:
                print(ensure(c, sha))
                return
        sys.exit("fetch: %s is not in the lock" % args[0])
    elif cmd == "pin" and len(args) >= 2:
        for text in args[1:]:
            c = Coord(text)
            download(c.url, c.path)
            sha1 = hashlib.sha1(open(c.path, "rb").read()).hexdigest()
            with urllib.request.urlopen(c.url + ".sha1", timeout=60) as r:
                want = r.read().decode().split()[0].strip()
            if sha1 != want:
                os.unlink(c.path)
                sys.exit("fetch: %s does not match Central's .sha1" % text)
            print("%s %s %s" % (args[0], text, sha256_of(c.path)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

"""Certificates for the TLS tests, made with the openssl command: a CA, server
certificates for IP 127.0.0.1, client certificates (one of another CA)."""
import os
import subprocess


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_ca(d, name):
    crt, key = os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", key, "-out", crt)
    return crt, key


def make_leaf(d, name, ca, usage, san=None):
    """A certificate signed by 'ca' ((crt, key)); usage: serverAuth or clientAuth."""
    crt, key, csr = (os.path.join(d, name + ext) for ext in (".crt", ".key", ".csr"))
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=%s\nsubjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid,issuer\n" % usage)
        if san:
            f.write("subjectAltName=%s\n" % san)
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
            "-keyout", key, "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
            "-days", "2", "-extfile", ext, "-out", crt)
    os.chmod(key, 0o644)   # the server may run as another user than the test
    return crt, key


def make_pki(d):
    """In directory d: CAs 'ca' and another, server certificates 'server' and
    'server2' for IP 127.0.0.1, a client certificate 'client' of 'ca' and
    'stranger' of the other CA; each a (crt, key) pair of paths."""
    os.chmod(d, 0o755)
    ca = make_ca(d, "test-ca")
    other_ca = make_ca(d, "other-ca")
    return {
        "dir": d,
        "ca": ca,
        "server": make_leaf(d, "server", ca, "serverAuth", "IP:127.0.0.1"),
        "server2": make_leaf(d, "server2", ca, "serverAuth", "IP:127.0.0.1"),
        "client": make_leaf(d, "client", ca, "clientAuth"),
        "stranger": make_leaf(d, "stranger", other_ca, "clientAuth"),
    }

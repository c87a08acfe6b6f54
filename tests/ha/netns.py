"""A network namespace joined to the host by a veth pair, for the network
fault tests: a server started inside it reaches PostgreSQL only over the
pair, and iptables rules inside the namespace (its own tables: nothing of
the host changes) drop that traffic, all of it (a partition) or a share of
its packets (loss).

Needs root (ip netns, iptables). Latency would need tc's netem queueing
discipline, which this machine's kernel does not have: delayproxy.py adds
it in user space instead.
"""
import random
import subprocess
import uuid


def run(args, check=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def usable():
    """None when namespaces and iptables inside them work, else why not."""
    probe = "msprobe" + uuid.uuid4().hex[:6]
    try:
        p = run(["ip", "netns", "add", probe], check=False)
        if p.returncode != 0:
            return "ip netns add: " + p.stderr.strip()
        p = run(["ip", "netns", "exec", probe, "iptables", "-S"], check=False)
        if p.returncode != 0:
            return "iptables in a namespace: " + p.stderr.strip()
        return None
    except OSError as e:
        return str(e)
    finally:
        run(["ip", "netns", "del", probe], check=False)


class NetNs:
    """The namespace 'name'; host_ip is the host's end of the pair, ns_ip
    the namespace's (a /30 of 10.213.0.0/16 not on this host already)."""

    def __init__(self):
        tag = uuid.uuid4().hex[:6]
        self.name = "msha" + tag
        self.host_if, self.ns_if = "msha%sh" % tag, "msha%sn" % tag
        taken = run(["ip", "-4", "-o", "addr"]).stdout
        while True:
            base = "10.213.%d.%d" % (random.randrange(256), 4 * random.randrange(64))
            prefix = base.rsplit(".", 1)[0] + "."
            last = int(base.rsplit(".", 1)[1])
            self.host_ip, self.ns_ip = prefix + str(last + 1), prefix + str(last + 2)
            if self.host_ip not in taken and self.ns_ip not in taken:
                break
        self.created = False

    def start(self):
        run(["ip", "netns", "add", self.name])
        self.created = True
        run(["ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.ns_if,
             "netns", self.name])
        run(["ip", "addr", "add", self.host_ip + "/30", "dev", self.host_if])
        run(["ip", "link", "set", self.host_if, "up"])
        for cmd in (["ip", "addr", "add", self.ns_ip + "/30", "dev", self.ns_if],
                    ["ip", "link", "set", self.ns_if, "up"], ["ip", "link", "set", "lo", "up"]):
            self.exec(cmd)
        return self

    def exec(self, cmd, check=True):
        return run(["ip", "netns", "exec", self.name] + cmd, check=check)

    def wrapper(self):
        return ["ip", "netns", "exec", self.name]

    def _drop(self, ports, match):
        for port in ports:
            self.exec(["iptables", "-A", "OUTPUT", "-p", "tcp", "-d", self.host_ip, "--dport",
                       str(port)] + match + ["-j", "DROP"])
            self.exec(["iptables", "-A", "INPUT", "-p", "tcp", "-s", self.host_ip, "--sport",
                       str(port)] + match + ["-j", "DROP"])

    def partition(self, ports):
        """Every packet between the namespace and these host ports dropped."""
        self._drop(ports, [])

    def loss(self, ports, share):
        """That share of those packets dropped, each way, at random."""
        self._drop(ports, ["-m", "statistic", "--mode", "random", "--probability", str(share)])

    def heal(self):
        self.exec(["iptables", "-F", "INPUT"])
        self.exec(["iptables", "-F", "OUTPUT"])

    def stop(self):
        if self.created:
            run(["ip", "netns", "del", self.name], check=False)   # the pair goes with it
            run(["ip", "link", "del", self.host_if], check=False)
            self.created = False

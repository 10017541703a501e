"""
The faults ``make chaos`` injects, each with the action that undoes it, on a ``stack.Stack``.

Every fault happens the way it does in production: a clean stop, a SIGKILL of the whole
process tree (a machine that dies), a SIGSTOP of the whole tree (a frozen VM: the sockets stay
open and the kernel still accepts connections), a network partition (packets dropped by the
kernel, so nothing is ACKed), and a promotion. The runner calls them by name, with the replica's
number as the one argument (unused for Redis and the primary), and calls the undo action when
the run ends whatever happened; every undo is harmless when there is nothing to undo.
"""

import os
import signal
import subprocess

from stack.cluster import Stack
from stack.exceptions import StackError
from stack.ports import HOST
from stack.processes import kill_tree, stop_processes
from stack.promotion import promote, rejoin, switch_over

# Marks the partition's rules, so that they can be found and removed.
PARTITION_COMMENT = "shop-chaos-partition"


class ChaosStack:
    """``stack`` with every fault and undo as a method the runner can fire by name."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.first_primary = stack.primary

    def environ(self) -> dict[str, str]:
        return self.stack.environ()

    # -- Replicas ---------------------------------------------------------------------------------

    def stop_replica(self, number: int) -> None:
        self.stack.replica(number).stop(mode="fast")

    def kill_replica(self, number: int) -> None:
        self.stack.replica(number).crash()

    def start_replica(self, number: int) -> None:
        self.stack.start_replica(number)

    def hang_replica(self, number: int) -> None:
        self.stack.freeze_replica(number, whole_tree=True)

    def resume_replica(self, number: int) -> None:
        self.stack.thaw_replica(number)

    def cut_off_replica(self, number: int) -> None:
        """Drop every packet to and from the replica's port on loopback (iptables, as root)."""
        for rule in partition_rules(self.stack.replica(number).port):
            iptables("-I", *rule)

    def reconnect_replica(self, number: int) -> None:
        for rule in partition_rules(self.stack.replica(number).port):
            while iptables("-D", *rule, check=False) == 0:
                pass

    # -- Redis ------------------------------------------------------------------------------------

    def hang_redis(self, _: int = 0) -> None:
        pid = self.stack.redis.pid
        if pid is not None:
            stop_processes([pid])

    def resume_redis(self, _: int = 0) -> None:
        pid = self.stack.redis.pid
        if pid is not None:
            os.kill(pid, signal.SIGCONT)

    def kill_redis(self, _: int = 0) -> None:
        pid = self.stack.redis.pid
        if pid is not None:
            kill_tree(pid)

    def start_redis(self, _: int = 0) -> None:
        self.resume_redis()
        self.stack.start_redis()

    # -- The primary ------------------------------------------------------------------------------

    def hang_primary(self, _: int = 0) -> None:
        self.stack.primary.freeze(whole_tree=True)

    def resume_primary(self, _: int = 0) -> None:
        self.stack.primary.thaw()

    def kill_primary(self, _: int = 0) -> None:
        self.stack.primary.crash()

    def start_primary(self, _: int = 0) -> None:
        self.stack.primary.start()

    def promote_replica(self, number: int) -> None:
        """Promote replica ``number``; the old primary is fenced (``stack.promotion``)."""
        promote(self.stack, self.stack.replica(number))

    def rejoin_old_primary(self, _: int = 0) -> None:
        """The old primary back as a standby of the new one: the stack is whole again."""
        for node in self.stack.nodes:
            if node.fenced:
                rejoin(self.stack, node)

    def first_roles_back(self, _: int = 0) -> None:
        """After the run: the first primary is primary again (a switchover back, off the clock)."""
        self.rejoin_old_primary()
        if self.stack.primary is not self.first_primary:
            switch_over(self.stack, self.first_primary)


def partition_rules(port: int) -> list[list[str]]:
    """The iptables rules that cut ``HOST:port`` off: packets to it, and packets from it."""
    match = ["-p", "tcp", "-d", HOST, "-m", "comment", "--comment", PARTITION_COMMENT]
    return [
        ["INPUT", *match, "--dport", str(port), "-j", "DROP"],
        ["INPUT", *match, "--sport", str(port), "-j", "DROP"],
    ]


def iptables(*argv: str, check: bool = True) -> int:
    """Run iptables; with ``check``, fail with advice when it cannot (not root, not installed)."""
    try:
        done = subprocess.run(["iptables", "-w", *argv], capture_output=True, text=True)
    except FileNotFoundError:
        raise StackError(
            "The partition fault needs iptables (apt-get install -y iptables), run as root."
        ) from None
    if check and done.returncode != 0:
        raise StackError(
            f"iptables {' '.join(argv)} failed: {done.stderr.strip()} "
            "(the partition fault needs root, or CAP_NET_ADMIN)."
        )
    return done.returncode

"""
What ``make compose-test`` does to a replica under load, one row of its table each.

A fault is a pair of Compose commands: one breaks the service, the other repairs it. Add a row
by adding a ``Fault``; the test runs each one the same way (load, break, hold, repair, check).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    # Compose subcommands (the service name is appended).
    inject: tuple[str, ...]
    repair: tuple[str, ...]


FAULTS = [
    # A clean shutdown: PostgreSQL's fast stop (the image's stop signal is SIGINT).
    Fault("stop, then start", inject=("stop",), repair=("start",)),
    # A crash: SIGKILL to the postmaster, which recovers on start.
    Fault("kill (SIGKILL), then start", inject=("kill", "-s", "SIGKILL"), repair=("start",)),
    # A hang: every process of the container frozen (cgroup freezer), its sockets left open.
    Fault("pause, then unpause", inject=("pause",), repair=("unpause",)),
]

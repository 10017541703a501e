"""
A CPU budget per database server, as separate machines would give each node.

On one machine the primary and its replicas share the cores: a benchmark of "primary only"
against "primary + 2 replicas" then measures how the kernel shares them, not what the replicas
add. A budget caps each server at ``cpus`` of a core with the kernel's CPU controller (CFS
bandwidth) and gives it that much whenever it asks, whatever else runs (a high weight): one
control group per node, ``shop-<node>-<port>``, holding its postmaster, whose backends are forked
inside it. Compose does the same with ``cpus:`` (``DB_CPUS``).

cgroup v2 (``cpu.max``) is used where its ``cpu`` controller is enabled, else cgroup v1's
``cpu`` hierarchy (``cpu.cfs_quota_us``). Both need root. ``unavailable()`` says, in a
sentence, why a machine cannot (not root, no CPU controller); ``systemd-run --scope`` would
need systemd and is not tried.
"""

import contextlib
import errno
import os
import time
from pathlib import Path

from stack.exceptions import StackError
from stack.processes import process_tree

MOUNTS = Path("/proc/self/mounts")
PERIOD_US = 100_000
# Seconds ``release`` waits for a group's last processes to leave it.
RELEASE_TIMEOUT = 5.0
# A group's weight against the machine's other processes, each of which weighs 1024 (v1) or 100
# (v2): a group weighing as one process would get a tenth of a core on a machine running ten, its
# quota unused, starved rather than capped. Weighing a hundred, it gets its budget whenever it
# asks, and the quota alone holds it back: a machine of its own.
WEIGHT_FILES = {1: ("cpu.shares", "102400"), 2: ("cpu.weight", "10000")}


def hierarchy() -> tuple[Path, int] | None:
    """Where the CPU controller is mounted and the cgroup version: v2 if it has ``cpu``."""
    v1 = None
    for line in MOUNTS.read_text().splitlines():
        _, path, kind, options, *_ = line.split()
        controllers = Path(path) / "cgroup.controllers"
        if kind == "cgroup2" and controllers.exists() and "cpu" in controllers.read_text().split():
            return Path(path), 2
        if kind == "cgroup" and "cpu" in options.split(","):
            v1 = v1 or (Path(path), 1)
    return v1


def unavailable() -> str | None:
    """Why CPU budgets cannot be set here, or None when they can."""
    found = hierarchy()
    if found is None:
        return "the kernel's CPU controller is not mounted (no cgroup v2 cpu, no cgroup v1 cpu)"
    if os.geteuid() != 0 or not os.access(found[0], os.W_OK):
        return f"setting a CPU quota needs root (cannot write to {found[0]})"
    return None


class CpuBudget:
    """At most ``cpus`` cores for the process tree of one server, in the group ``name``."""

    def __init__(self, name: str, cpus: float) -> None:
        if cpus <= 0:
            raise ValueError(f"A CPU budget is a positive number of cores, not {cpus}.")
        reason = unavailable()
        if reason:
            raise StackError(f"Cannot give {name} a CPU budget: {reason}.")
        self.root, self.version = hierarchy()
        self.name = name
        self.cpus = cpus
        self.path = self.root / name

    def __repr__(self) -> str:
        return f"<CpuBudget {self.name}: {self.cpus:g} CPU, cgroup v{self.version}>"

    @property
    def quota(self) -> str:
        """What the quota file holds: microseconds of CPU per period (and the period, in v2)."""
        quota = round(self.cpus * PERIOD_US)
        return f"{quota} {PERIOD_US}" if self.version == 2 else str(quota)

    @property
    def quota_file(self) -> Path:
        return self.path / ("cpu.max" if self.version == 2 else "cpu.cfs_quota_us")

    def place(self, pid: int) -> None:
        """Create the group with its quota and move ``pid`` and its descendants into it: what
        it forks from now on (a postmaster's new backends) starts inside."""
        if self.version == 2:
            # A child group gets the controller only once its parent hands it down.
            with contextlib.suppress(OSError):
                (self.root / "cgroup.subtree_control").write_text("+cpu")
        self.path.mkdir(exist_ok=True)
        if self.version == 1:
            (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        if not self.quota_file.exists():
            self.path.rmdir()
            raise StackError(
                f"Cannot give {self.name} a CPU budget: {self.root} does not hand its cpu "
                "controller down (cgroup.subtree_control), as in a container that shares it."
            )
        self.quota_file.write_text(self.quota)
        weight_file, weight = WEIGHT_FILES[self.version]
        (self.path / weight_file).write_text(weight)
        for member in process_tree(pid):
            with contextlib.suppress(ProcessLookupError):
                (self.path / "cgroup.procs").write_text(str(member))

    def throttling(self) -> tuple[int, int]:
        """Scheduler periods (0.1 s) in which the group ran since it was made, and how many of
        them it ended throttled, its quota spent: the share says whether the budget was what
        held the server back."""
        stat = dict(line.split()[:2] for line in (self.path / "cpu.stat").read_text().splitlines())
        return int(stat["nr_periods"]), int(stat["nr_throttled"])


def members(group: Path) -> list[int]:
    """The processes in ``group`` now."""
    if not group.exists():
        return []
    return [int(pid) for pid in (group / "cgroup.procs").read_text().split()]


def release(name: str) -> None:
    """Give what still runs in group ``name`` back to the machine and delete the group; harmless
    when there is none (a stack that never had budgets, a machine without the controller)."""
    found = hierarchy()
    if found is None or not (found[0] / name).exists():
        return
    root, group = found[0], found[0] / name
    # A backend that was exiting, or forked meanwhile, keeps the group busy for a moment.
    deadline = time.monotonic() + RELEASE_TIMEOUT
    while True:
        for pid in members(group):
            with contextlib.suppress(ProcessLookupError):
                (root / "cgroup.procs").write_text(str(pid))
        try:
            group.rmdir()
            return
        except OSError as error:
            if error.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)

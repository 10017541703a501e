"""
The account the servers run as.

PostgreSQL refuses to run as root, so when the stack is started by root every server (Redis too)
runs as an unprivileged user, ``postgres`` unless ``STACK_USER`` names another. That user must be
able to enter every parent directory of the stack's data, which a checkout under ``/root`` is not.
"""

import os
import pwd
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from stack.exceptions import StackError


@dataclass(frozen=True)
class ServerAccount:
    """Who runs the servers: the current user, or (as root) an unprivileged one via runuser."""

    name: str
    uid: int
    gid: int
    switch: bool

    def command(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", self.name, "--", *argv] if self.switch else argv

    def own(self, path: Path) -> None:
        if self.switch:
            os.chown(path, self.uid, self.gid)

    def check_can_reach(self, path: Path) -> None:
        """Fail with advice when the account cannot enter ``path`` or one of its parents."""
        if not self.switch:
            return
        groups = set(os.getgrouplist(self.name, self.gid))
        for directory in [*reversed(path.parents), path]:
            if directory.exists() and not self._can_enter(directory, groups):
                raise StackError(
                    f"The servers run as {self.name!r}, which cannot enter {directory}. "
                    f"Allow it (`chmod o+x {directory}`) or keep the stack (the checkout, or "
                    f"TMPDIR for the tests) somewhere {self.name!r} can reach."
                )

    def _can_enter(self, directory: Path, groups: set[int]) -> bool:
        mode = directory.stat()
        if mode.st_uid == self.uid:
            return bool(mode.st_mode & stat.S_IXUSR)
        if mode.st_gid in groups:
            return bool(mode.st_mode & stat.S_IXGRP)
        return bool(mode.st_mode & stat.S_IXOTH)


def server_account() -> ServerAccount:
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return ServerAccount(entry.pw_name, entry.pw_uid, entry.pw_gid, switch=False)
    name = os.environ.get("STACK_USER", "postgres")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise StackError(
            f"Running as root, the servers need an unprivileged user, and {name!r} does not "
            "exist. `apt-get install -y postgresql` creates `postgres`; or set STACK_USER."
        ) from None
    if not shutil.which("runuser"):
        raise StackError("Running as root needs `runuser` (`apt-get install -y util-linux`).")
    return ServerAccount(name, entry.pw_uid, entry.pw_gid, switch=True)

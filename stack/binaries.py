"""
Finds the server binaries the stack runs, and says what to install when one is missing.

Debian keeps PostgreSQL's server binaries off the PATH, under ``/usr/lib/postgresql/<major>/bin``;
``pg_config --bindir`` names that directory when the client tools are installed.
"""

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stack.exceptions import StackError

INSTALL_HINT = "apt-get install -y postgresql redis-server"
# Debian and Ubuntu install each major version side by side here, off the PATH.
DEBIAN_POSTGRES_ROOT = Path("/usr/lib/postgresql")
POSTGRES_PROGRAMS = ("postgres", "initdb", "pg_ctl", "pg_basebackup", "pg_receivewal", "psql")


@dataclass(frozen=True)
class Binaries:
    postgres_bindir: Path
    redis_server: str

    def postgres(self, program: str) -> str:
        return str(self.postgres_bindir / program)


def _postgres_bindir_candidates() -> list[Path]:
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    # Newest major first, should several be installed side by side.
    installed = [path for path in DEBIAN_POSTGRES_ROOT.glob("*/bin") if path.parent.name.isdigit()]
    candidates += sorted(installed, key=lambda path: int(path.parent.name), reverse=True)
    if shutil.which("postgres"):
        candidates.append(Path(shutil.which("postgres")).parent)
    return candidates


@functools.cache
def find_binaries() -> Binaries:
    """Locate PostgreSQL and Redis, or fail with the command that installs them."""
    bindir = next(
        (
            path
            for path in _postgres_bindir_candidates()
            if all((path / program).is_file() for program in POSTGRES_PROGRAMS)
        ),
        None,
    )
    redis_server = shutil.which("redis-server")
    found = {"PostgreSQL": bindir, "Redis": redis_server}
    missing = [name for name, path in found.items() if not path]
    if missing:
        raise StackError(
            f"{' and '.join(missing)} server binaries not found. Install them with "
            f"`{INSTALL_HINT}` (or set PG_BINDIR to PostgreSQL's bin directory)."
        )
    return Binaries(postgres_bindir=bindir, redis_server=redis_server)

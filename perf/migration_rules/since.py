"""
Which migrations are new since a git revision, so that a project with a long history can take the
rules up without rewriting it: ``check_migrations --since REF`` judges only the migrations whose
files did not exist at REF (committed since, or not committed yet), and takes the models at REF
as those of the release still running during the deploy.
"""

import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path


class RevisionError(ValueError):
    """REF is not a revision of the repository holding the migrations."""


def _git(directory: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RevisionError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


@cache
def _toplevel(directory: Path) -> Path | None:
    try:
        return Path(_git(directory, "rev-parse", "--show-toplevel").strip()).resolve()
    except RevisionError:
        return None  # Not in a repository: an installed package, never new.


def _files_at(toplevel: Path, ref: str) -> frozenset[Path]:
    try:
        _git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"{ref!r} is not a commit of the repository {toplevel}") from None
    listing = _git(toplevel, "ls-tree", "-r", "--name-only", "-z", ref)
    return frozenset(toplevel / name for name in listing.split("\0") if name)


def new_since(ref: str, files: Iterable[Path]) -> set[Path]:
    """The ``files`` (in git repositories) that the tree of ``ref`` does not hold."""
    new, trees = set(), {}
    for file in files:
        file = file.resolve()
        toplevel = _toplevel(file.parent)
        if toplevel is None:
            continue
        if toplevel not in trees:
            trees[toplevel] = _files_at(toplevel, ref)
        if file not in trees[toplevel]:
            new.add(file)
    return new

"""The lock files: every direct import is declared in a ``.in`` file, and every lock holds what its
``.in`` file pins, each with hashes (``make lock`` after editing a ``.in`` file keeps them so)."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCKS = {
    "requirements.in": "requirements.txt",
    "requirements-dev.in": "requirements-dev.txt",
    "loadtests/requirements.in": "loadtests/requirements.txt",
}
FIRST_PARTY = {"accounts", "cart", "catalog", "conftest", "loadtests", "perf", "shop", "stack"}


def declared(in_file: str) -> list[Requirement]:
    """The requirements an ``.in`` file names, itself and through its ``-r`` includes."""
    path = BASE_DIR / in_file
    requirements = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            included = (path.parent / line[3:].strip()).relative_to(BASE_DIR)
            requirements += declared(str(included))
        elif line and not line.startswith("-"):
            requirements.append(Requirement(line))
    return requirements


def locked(lock_file: str) -> dict[str, str]:
    """Each locked package's version, from the lines that carry a hash."""
    text = (BASE_DIR / lock_file).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(
            r"^([\w.-]+)==(\S+)(?: ;[^\\\n]*)? \\\n\s+--hash=", text, re.M
        )
    }


def third_party_imports() -> set[str]:
    """The top-level modules the project's Python files import from outside the project."""
    modules = set()
    for path in BASE_DIR.glob("**/*.py"):
        if {".venv", "var"} & set(path.relative_to(BASE_DIR).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                modules.add(node.module.split(".")[0])
    return modules - FIRST_PARTY - set(sys.stdlib_module_names)


@pytest.mark.parametrize(("in_file", "lock_file"), LOCKS.items())
def test_every_pin_of_an_in_file_is_in_its_lock_with_hashes(in_file, lock_file):
    versions = locked(lock_file)

    for requirement in declared(in_file):
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{name} is not in {lock_file}: run make lock"
        assert requirement.specifier.contains(versions[name]), f"{lock_file} is stale: make lock"


def test_every_imported_distribution_is_declared():
    distributions = packages_distributions()
    names = {canonicalize_name(r.name) for in_file in LOCKS for r in declared(in_file)}

    undeclared = {
        module
        for module in third_party_imports()
        if not names & {canonicalize_name(d) for d in distributions.get(module, [module])}
    }

    assert not undeclared, f"imported but not in a requirements*.in file: {sorted(undeclared)}"

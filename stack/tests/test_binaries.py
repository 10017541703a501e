"""A machine without the servers gets told what to install, not a traceback or a skip."""

import pytest

from stack import binaries
from stack.exceptions import StackError


@pytest.fixture
def no_servers_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setattr(binaries, "DEBIAN_POSTGRES_ROOT", tmp_path)
    binaries.find_binaries.cache_clear()
    yield
    binaries.find_binaries.cache_clear()


@pytest.mark.usefixtures("no_servers_installed")
def test_missing_servers_name_the_packages_to_install():
    with pytest.raises(StackError) as error:
        binaries.find_binaries()

    assert "PostgreSQL and Redis server binaries not found" in str(error.value)
    assert "apt-get install -y postgresql redis-server" in str(error.value)


def test_postgres_is_found_off_the_path_where_debian_puts_it(monkeypatch, tmp_path):
    bindir = tmp_path / "15" / "bin"
    bindir.mkdir(parents=True)
    for program in binaries.POSTGRES_PROGRAMS:
        (bindir / program).touch()
    monkeypatch.setattr(binaries, "DEBIAN_POSTGRES_ROOT", tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setattr(binaries.shutil, "which", {"redis-server": "/usr/bin/redis-server"}.get)
    binaries.find_binaries.cache_clear()

    try:
        assert binaries.find_binaries().postgres_bindir == bindir
    finally:
        binaries.find_binaries.cache_clear()

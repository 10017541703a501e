"""``make`` on a fresh machine: a Python without its venv module gets advice, not a half-made
``.venv`` that breaks the next run."""

import os
import stat
import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def fake_python(path: Path, *, venv_works: bool) -> Path:
    """A python3 whose ``-m venv`` behaves like Debian's with or without python3-venv: without,
    it makes the directory and its interpreter, then fails on ensurepip."""
    finish = (
        'printf "#!/bin/sh\\n" >"$3/bin/pip"; chmod +x "$3/bin/pip"'
        if venv_works
        else 'echo "ensurepip is not available" >&2; exit 1'
    )
    path.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -c ]; then exit 0; fi\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; touch "$3/bin/python"; '
        f"{finish}; fi\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def make_venv(tmp_path: Path, python: Path) -> subprocess.CompletedProcess:
    venv = tmp_path / ".venv"
    return subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={python}", f"VENV={venv}", f"{venv}/bin/pip"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MAKEFLAGS": ""},
    )


def test_a_python_without_venv_gets_the_package_to_install_and_leaves_no_half_made_venv(tmp_path):
    result = make_venv(tmp_path, fake_python(tmp_path / "python3", venv_works=False))

    assert result.returncode != 0
    assert "sudo apt-get install python3-venv" in result.stdout + result.stderr
    assert not (tmp_path / ".venv").exists()


def test_a_half_made_venv_is_made_again(tmp_path):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()  # left by a run without python3-venv

    result = make_venv(tmp_path, fake_python(tmp_path / "python3", venv_works=True))

    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".venv" / "bin" / "pip").exists()

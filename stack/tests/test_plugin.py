"""Under --embedded, a test that needs the stack fails loudly instead of skipping."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_stack_test_run_under_embedded_fails_and_says_how_to_deselect_it(tmp_path):
    test_file = tmp_path / "test_needs_stack.py"
    test_file.write_text(
        "import pytest\n\n\n@pytest.mark.stack\ndef test_needs_stack():\n    pass\n"
    )

    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", "."]
    result = subprocess.run(
        [*command, "--embedded", "-p", "no:cacheprovider", str(test_file)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1, result.stdout
    assert "1 error" in result.stdout
    assert 'add -m "not stack"' in result.stdout
    assert "skipped" not in result.stdout


COMPOSE_AND_PLAIN = (
    "import pytest\n\n\n@pytest.mark.compose\ndef test_in_containers():\n    pass\n\n\n"
    "def test_plain():\n    pass\n"
)


def run_pytest(test_file: Path, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", "."]
    return subprocess.run(
        [*command, *options, "-p", "no:cacheprovider", "-v", str(test_file)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_compose_tests_are_deselected_and_counted_without_compose(tmp_path):
    test_file = tmp_path / "test_mixed.py"
    test_file.write_text(COMPOSE_AND_PLAIN)

    result = run_pytest(test_file, "--embedded")

    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 deselected" in result.stdout
    assert "test_plain PASSED" in result.stdout


def test_compose_runs_the_compose_tests_only(tmp_path):
    test_file = tmp_path / "test_mixed.py"
    test_file.write_text(COMPOSE_AND_PLAIN)

    result = run_pytest(test_file, "--compose")

    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 deselected" in result.stdout
    assert "test_in_containers PASSED" in result.stdout
    assert "docker-compose.yml in containers (--compose)" in result.stdout

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

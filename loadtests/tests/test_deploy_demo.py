"""
A few seconds of each deploy of ``make deploy-demo`` on the test session's stack: every step
runs in order, the switch reloads gunicorn onto release 2, the report is written, and the table
is left as the shop's migrations say. No timing is asserted.
"""

import json
import os
import subprocess
import sys
from dataclasses import replace

import psycopg
import pytest

from loadtests.deploy import schema
from loadtests.deploy.demo import DEPLOY, DeployRun
from loadtests.deploy.release import ENVIRONMENT
from loadtests.server import ROOT
from loadtests.tests.test_smoke import ACCOUNTS, SMOKE, smoke_stack  # noqa: F401

pytestmark = pytest.mark.stack


class SmallDeployRun(DeployRun):
    lines = 2000
    gap = 0.5


def test_both_deploys_run_every_step_and_leave_the_table_as_migrated(smoke_stack, tmp_path):  # noqa: F811
    config = replace(SMOKE, duration=10)
    run = SmallDeployRun(DEPLOY, smoke_stack, config, results=tmp_path, accounts=ACCOUNTS)
    directory = run.run(prepared=True)

    summary = json.loads((directory / "summary.json").read_text())
    assert summary["complete"] is True
    for scenario, expected in zip(summary["scenarios"], DEPLOY.scenarios, strict=True):
        assert [event["action"] for event in scenario["events"]] == [
            event.action for event in expected.events
        ]
        assert (directory / f"{expected.key}.png").exists()
    safe = summary["scenarios"][0]
    assert safe["stats"]["failures"] == 0
    assert set(summary["lock_wait_s"]) == {"safe", "naive"}
    assert "| deploy | requests | failed |" in (directory / "summary.md").read_text()
    assert "Handling signal: hup" in (directory / "safe" / "gunicorn.log").read_text()
    with psycopg.connect(run.env["DATABASE_URL"]) as connection:
        found = schema.columns(connection)
    assert "sku" in found
    assert not found & {"public_id", "variant_sku"}


SKU_COLUMN = """
import django
django.setup()
from cart.models import OrderLine
print(OrderLine._meta.get_field("sku").column)
"""


@pytest.mark.parametrize(("release", "column"), [(1, "sku"), (2, "variant_sku")])
def test_each_release_reads_the_sku_from_its_column(release, column, tmp_path):
    """What a gunicorn worker gets after a reload: the release's environment file, passed on by
    shop/gunicorn.conf.py, and the column that release's code reads."""
    env_file = tmp_path / "release.env"
    env_file.write_text(ENVIRONMENT[release])
    config = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "shop/gunicorn.conf.py", "--print-config"],
        cwd=ROOT,
        env={**os.environ, "GUNICORN_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (setting,) = [line for line in config.splitlines() if line.startswith("raw_env")]
    assert ENVIRONMENT[release].strip() in setting
    name, value = ENVIRONMENT[release].strip().split("=")
    printed = subprocess.run(
        [sys.executable, "-c", SKU_COLUMN],
        cwd=ROOT,
        env={**os.environ, name: value},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed.strip() == column

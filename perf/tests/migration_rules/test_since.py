"""
``check_migrations --since REF``: an old project takes the rules up without rewriting its history,
and the models at REF are those of the release still running during the deploy. Each test builds
its own app in a throwaway git repository.
"""

import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from perf.migration_rules.checker import check_migrations

INITIAL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            "Item",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=50)),
                ("note", models.TextField(null=True)),
            ],
        ),
    ]
"""

MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    phase = {phase!r}
    dependencies = [({label!r}, {previous!r})]
    operations = [{operation}]
"""

# An old mistake in the history: a drop in an expand migration.
OLD_DROP = 'migrations.RemoveField("item", "name")'
NOT_NULL_COLUMN = 'migrations.AddField("item", "weight", models.IntegerField(default=0))'
FORGET_NOTE = (
    'migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("item", "note")])'
)
DROP_NOTE = (
    'migrations.RunSQL(\'ALTER TABLE "{label}_item" DROP COLUMN "note"\', '
    '\'ALTER TABLE "{label}_item" ADD COLUMN "note" text NULL\')'
)


class Project:
    """A git repository holding one app, installed for the test."""

    def __init__(self, root: Path):
        self.root = root
        self.label = f"adopt_{uuid.uuid4().hex[:8]}"
        self.migrations = root / self.label / "migrations"
        self.migrations.mkdir(parents=True)
        (root / self.label / "__init__.py").write_text("")
        (self.migrations / "__init__.py").write_text("")
        self.names: list[str] = []
        self.git("init", "--quiet")

    def git(self, *args: str) -> None:
        identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
        subprocess.run(["git", *identity, *args], cwd=self.root, check=True, capture_output=True)

    def add(self, name: str, operation: str = "", *, phase: str = "expand") -> None:
        if self.names:
            text = MIGRATION.format(
                phase=phase,
                label=self.label,
                previous=self.names[-1],
                operation=operation.format(label=self.label),
            )
        else:
            text = INITIAL
        (self.migrations / f"{name}.py").write_text(text)
        self.names.append(name)

    def commit(self) -> None:
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", "release")

    def codes(self, since: str | None = None) -> dict[str, set[str]]:
        report = check_migrations([self.label], since=since)
        found = {name.split(".", 1)[1]: set() for name in report.migrations}
        for violation in report.violations:
            found[violation.migration.split(".", 1)[1]].add(violation.rule.code)
        return found


@pytest.fixture
def project(tmp_path, monkeypatch, settings) -> Project:
    project = Project(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, project.label]
    return project


def test_only_migrations_new_since_the_ref_are_checked(project):
    project.add("0001_initial")
    project.add("0002_old_drop", OLD_DROP)
    project.commit()
    project.add("0003_weight", NOT_NULL_COLUMN)  # not committed yet: new as well

    assert project.codes() == {
        "0001_initial": set(),
        "0002_old_drop": {"drop-column"},
        "0003_weight": {"add-not-null-column"},
    }
    assert project.codes(since="HEAD") == {"0003_weight": {"add-not-null-column"}}


def test_committed_migrations_are_new_since_an_older_ref(project):
    project.add("0001_initial")
    project.commit()
    project.add("0002_weight", NOT_NULL_COLUMN)
    project.commit()

    assert project.codes(since="HEAD") == {}
    assert project.codes(since="HEAD~1") == {"0002_weight": {"add-not-null-column"}}


def test_a_contract_drop_in_the_release_that_stops_using_the_column_is_refused(project):
    project.add("0001_initial")
    project.commit()
    project.git("tag", "release-1")
    project.add("0002_forget_note", FORGET_NOTE)
    project.add("0003_drop_note", DROP_NOTE, phase="contract")

    # Migration by migration, the code forgot the note before the drop...
    assert project.codes()["0003_drop_note"] == set()
    # ...but both ship in one release: release-1, still running, reads the column.
    assert project.codes(since="release-1") == {
        "0002_forget_note": set(),
        "0003_drop_note": {"contract-same-release"},
    }


def test_a_contract_drop_a_release_after_the_code_stopped_using_the_column_passes(project):
    project.add("0001_initial")
    project.add("0002_forget_note", FORGET_NOTE)
    project.commit()
    project.git("tag", "release-2")
    project.add("0003_drop_note", DROP_NOTE, phase="contract")

    assert project.codes(since="release-2") == {"0003_drop_note": set()}


def test_an_unknown_ref_is_a_clear_error(project):
    project.add("0001_initial")
    project.commit()

    with pytest.raises(CommandError, match="'no-such-tag' is not a commit of the repository"):
        call_command("check_migrations", project.label, since="no-such-tag")

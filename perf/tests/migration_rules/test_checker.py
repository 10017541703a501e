from io import StringIO

import pytest
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from perf.migration_rules.checker import check_migrations, project_app_labels
from perf.migration_rules.rules import RULES

# Each migration of the unsafe fixture app breaks exactly these rules.
UNSAFE = {
    "0001_initial": set(),
    "0002_add_not_null_column": {"add-not-null-column"},
    "0003_set_not_null": {"set-not-null"},
    "0004_drop_column": {"drop-column"},
    "0005_drop_table": {"drop-table"},
    "0006_rename_column": {"rename-column"},
    "0007_rename_table": {"rename-table"},
    "0008_index_not_concurrent": {"index-not-concurrent"},
    "0009_concurrent_in_atomic": {"concurrent-in-atomic"},
    "0010_constraint_not_valid": {"constraint-not-valid"},
    "0011_type_change": {"type-change"},
    "0012_data_with_schema": {"data-with-schema"},
    "0013_data_migration_atomic": {"data-migration-atomic"},
    "0014_data_migration_db_alias": {"data-migration-db-alias"},
    "0015_historical_models": {"historical-models"},
    "0016_irreversible": {"irreversible"},
    "0017_raw_sql_drop_column": {"drop-column"},
    "0018_raw_sql_index": {"index-not-concurrent"},
    "0019_raw_sql_constraint": {"constraint-not-valid"},
    "0020_invalid_exception": {"invalid-exception"},
    "0021_reviewed_exception": set(),
    "0022_contract_in_expand": {"contract-in-expand"},
    "0023_contract_same_release": {"contract-same-release"},
    "0024_volatile_default": {"volatile-default"},
    "0025_stored_generated_column": {"stored-generated-column"},
    "0026_foreign_key_recreated": {"foreign-key-recreated"},
    "0027_invalid_phase": {"invalid-phase"},
}


@pytest.fixture
def unsafe_report(rule_fixture_apps):
    return check_migrations(["rules_unsafe"])


def codes_by_migration(report) -> dict[str, set[str]]:
    found = {name.split(".", 1)[1]: set() for name in report.migrations}
    for violation in report.violations:
        found[violation.migration.split(".", 1)[1]].add(violation.rule.code)
    return found


@pytest.mark.parametrize(("migration", "codes"), UNSAFE.items())
def test_each_unsafe_migration_breaks_exactly_its_rule(unsafe_report, migration, codes):
    assert codes_by_migration(unsafe_report)[migration] == codes


def test_every_rule_has_an_unsafe_migration_that_breaks_it():
    assert set().union(*UNSAFE.values()) == set(RULES)


def test_violation_says_what_is_dangerous_why_the_safe_steps_and_how_to_allow_it(unsafe_report):
    [violation] = [v for v in unsafe_report.violations if v.rule.code == "add-not-null-column"]
    message = str(violation)

    assert message.startswith("rules_unsafe.0002_add_not_null_column: Add field weight to item")
    assert (
        'Dangerous: adds NOT NULL column "weight" to existing table "rules_unsafe_item"' in message
    )
    assert "default= is applied by Django, not by the database" in message
    assert "1. Add the column with db_default=" in message
    assert 'reviewed_exceptions = {"add-not-null-column": "<why it is safe here>"}' in message
    assert "docs/migration-rules.md#add-not-null-column" in message


def test_reviewed_exception_allows_the_named_rule_with_its_reason(unsafe_report):
    [(violation, reason)] = unsafe_report.allowed

    assert violation.migration == "rules_unsafe.0021_reviewed_exception"
    assert violation.rule.code == "drop-column"
    assert reason == "Contract step: the code stopped reading Item.origin a release ago."


def test_misspelled_or_unexplained_exception_is_itself_a_violation(unsafe_report):
    details = [v.detail for v in unsafe_report.violations if v.rule.code == "invalid-exception"]

    assert sorted(details) == [
        "'drop-colum' is not a rule code of docs/migration-rules.md",
        "'drop-table' gives no reason",
    ]


def test_safe_recipes_pass(rule_fixture_apps):
    report = check_migrations(["rules_safe"])

    assert report.violations == []
    assert len(report.migrations) == 14
    assert report.allowed == []


def test_project_migrations_follow_the_rules():
    report = check_migrations()

    assert report.violations == [], "\n\n".join(map(str, report.violations))
    assert {"catalog", "cart"} <= {name.split(".")[0] for name in report.migrations}


def test_project_apps_exclude_installed_packages():
    labels = project_app_labels()

    assert {"perf", "catalog", "cart", "accounts"} <= set(labels)
    assert not {"auth", "admin", "contenttypes", "sessions", "postgres"} & set(labels)


def test_project_search_index_is_built_concurrently_outside_a_transaction():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    search_indexes = [
        (migration, operation)
        for (label, _name), migration in loader.graph.nodes.items()
        if label in project_app_labels()
        for operation in migration.operations
        if isinstance(operation, migrations.AddIndex) and isinstance(operation.index, GinIndex)
    ]

    assert search_indexes
    for migration, operation in search_indexes:
        assert isinstance(operation, AddIndexConcurrently)
        assert migration.atomic is False


def run_check(*app_labels):
    stdout, stderr = StringIO(), StringIO()
    call_command("check_migrations", *app_labels, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_command_fails_on_a_bad_migration_with_the_full_message(rule_fixture_apps):
    stderr = StringIO()
    with pytest.raises(CommandError, match=r"26 migration rule violation\(s\) in 27 migrations"):
        call_command("check_migrations", "rules_unsafe", stderr=stderr)

    assert "rules_unsafe.0005_drop_table: Delete model Tag" in stderr.getvalue()
    assert 'phase = "contract"' in stderr.getvalue()


def test_command_passes_and_lists_reviewed_exceptions(rule_fixture_apps):
    stdout, stderr = run_check("rules_safe")

    assert stderr == ""
    assert "14 migrations follow the migration rules (0 reviewed exception(s))." in stdout


def test_command_passes_on_the_project():
    stdout, _stderr = run_check()

    assert "migrations follow the migration rules" in stdout


def test_command_rejects_an_unknown_app():
    with pytest.raises(CommandError, match="No installed app with label 'nope'"):
        run_check("nope")

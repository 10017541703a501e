from io import StringIO

import pytest
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from perf.migration_rules.checker import check_migration, check_migrations, project_app_labels
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
    assert len(report.migrations) == 12
    assert [violation.rule.code for violation, _reason in report.allowed] == ["drop-column"]


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
    with pytest.raises(CommandError, match=r"20 migration rule violation\(s\) in 21 migrations"):
        call_command("check_migrations", "rules_unsafe", stderr=stderr)

    assert "rules_unsafe.0005_drop_table: Delete model Tag" in stderr.getvalue()
    assert "Release N+1: drop the table" in stderr.getvalue()


def test_command_passes_and_lists_reviewed_exceptions(rule_fixture_apps):
    stdout, stderr = run_check("rules_safe")

    assert stderr == ""
    assert "rules_safe.0010_drop_legacy_code: drop-column allowed as a reviewed exception" in stdout
    assert "12 migrations follow the migration rules (1 reviewed exception(s))." in stdout


def test_command_passes_on_the_project():
    stdout, _stderr = run_check()

    assert "migrations follow the migration rules" in stdout


def test_command_rejects_an_unknown_app():
    with pytest.raises(CommandError, match="No installed app with label 'nope'"):
        run_check("nope")


def item_state(field: models.Field) -> ProjectState:
    state = ProjectState()
    migrations.CreateModel(
        "Item", [("id", models.BigAutoField(primary_key=True)), ("value", field)]
    ).state_forwards("shop", state)
    return state


def codes_of(state: ProjectState, *operations, atomic: bool = True) -> set[str]:
    migration = migrations.Migration("0002_change", "shop")
    migration.operations, migration.atomic = list(operations), atomic
    return {violation.rule.code for violation in check_migration(migration, state)}


def char(max_length=10, **kwargs) -> models.CharField:
    return models.CharField(max_length=max_length, **kwargs)


def decimal(max_digits: int, decimal_places: int) -> models.DecimalField:
    return models.DecimalField(max_digits=max_digits, decimal_places=decimal_places)


@pytest.mark.parametrize(
    ("old", "new", "codes"),
    [
        (char(10), char(20), set()),
        (char(10), char(None), set()),
        (char(10), models.TextField(), set()),
        (models.TextField(), char(10), {"type-change"}),
        (char(None), char(10), {"type-change"}),
        (decimal(8, 2), decimal(10, 2), set()),
        (decimal(8, 2), decimal(10, 3), {"type-change"}),
        (models.IntegerField(), models.BigIntegerField(), {"type-change"}),
        (models.IntegerField(), models.PositiveIntegerField(), {"constraint-not-valid"}),
        (models.IntegerField(), models.IntegerField(db_index=True), {"index-not-concurrent"}),
        (char(), char(unique=True), {"index-not-concurrent"}),
        (char(), char(db_column="other"), {"rename-column"}),
        (models.IntegerField(null=True), models.IntegerField(), {"set-not-null"}),
        (models.IntegerField(), models.IntegerField(null=True), set()),
        (models.IntegerField(), models.IntegerField(default=3), set()),
    ],
)
def test_alter_field_allows_only_changes_postgresql_makes_in_place(old, new, codes):
    assert codes_of(item_state(old), migrations.AlterField("item", "value", new)) == codes


def test_set_not_null_passes_after_a_not_null_check_unless_a_default_updates_rows():
    state = item_state(models.IntegerField(null=True))
    check = models.CheckConstraint(condition=models.Q(value__isnull=False), name="value_not_null")
    migrations.AddConstraint("item", check).state_forwards("shop", state)

    assert (
        codes_of(state.clone(), migrations.AlterField("item", "value", models.IntegerField()))
        == set()
    )
    assert codes_of(
        state, migrations.AlterField("item", "value", models.IntegerField(default=0))
    ) == {"set-not-null"}


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        (models.IntegerField(null=True), set()),
        (models.IntegerField(db_default=0), set()),
        (models.IntegerField(default=0), {"add-not-null-column"}),
        (models.CharField(max_length=10, null=True, unique=True), {"index-not-concurrent"}),
        (models.PositiveIntegerField(null=True), {"constraint-not-valid"}),
        (
            models.ForeignKey("auth.User", null=True, on_delete=models.CASCADE),
            {"index-not-concurrent", "constraint-not-valid"},
        ),
        (
            models.ForeignKey(
                "auth.User",
                null=True,
                on_delete=models.CASCADE,
                db_index=False,
                db_constraint=False,
            ),
            set(),
        ),
        (models.ManyToManyField("auth.User"), set()),
    ],
)
def test_add_field_to_an_existing_table(field, codes):
    state = item_state(models.IntegerField())

    assert codes_of(state, migrations.AddField("item", "extra", field)) == codes


def test_operations_on_a_table_created_by_the_same_migration_are_allowed():
    operations = [
        migrations.CreateModel("Fresh", [("id", models.BigAutoField(primary_key=True))]),
        migrations.AddField("fresh", "code", models.CharField(max_length=5, unique=True)),
        migrations.AddIndex("fresh", models.Index(fields=["code"], name="fresh_code")),
        migrations.AddConstraint(
            "fresh", models.CheckConstraint(condition=models.Q(id__gt=0), name="fresh_id")
        ),
    ]

    assert codes_of(ProjectState(), *operations) == set()


def test_separate_database_and_state_is_judged_by_its_database_operations():
    state = item_state(models.IntegerField(null=True))
    forget = migrations.SeparateDatabaseAndState(
        state_operations=[migrations.RemoveField("item", "value")]
    )
    drop = migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RemoveField("item", "value")]
    )

    assert codes_of(state.clone(), forget) == set()
    assert codes_of(state, drop) == {"drop-column"}


def test_data_sql_mixed_with_a_schema_change_is_caught_but_schema_sql_alone_is_not():
    state = item_state(models.IntegerField(null=True))
    update = migrations.RunSQL("UPDATE shop_item SET value = 0", migrations.RunSQL.noop)
    add_column = migrations.AddField("item", "extra", models.IntegerField(null=True))
    comment = migrations.RunSQL("COMMENT ON TABLE shop_item IS 'items'", migrations.RunSQL.noop)

    assert codes_of(state.clone(), update, add_column) == {"data-with-schema"}
    assert codes_of(state.clone(), update) == set()
    assert codes_of(state, comment, add_column) == set()


def test_concurrent_sql_in_a_transaction_is_caught():
    build = migrations.RunSQL(
        "CREATE INDEX CONCURRENTLY item_value ON shop_item (value)",
        "DROP INDEX CONCURRENTLY item_value",
    )
    state = item_state(models.IntegerField())

    assert codes_of(state.clone(), build) == {"concurrent-in-atomic"}
    assert codes_of(state, build, atomic=False) == set()


@pytest.mark.parametrize(
    ("sql", "codes"),
    [
        ('ALTER TABLE "shop_item" ADD COLUMN "extra" integer NOT NULL', {"add-not-null-column"}),
        ('ALTER TABLE "shop_item" ADD COLUMN "extra" integer DEFAULT 0 NOT NULL', set()),
        ('ALTER TABLE "shop_item" ALTER COLUMN "value" SET NOT NULL', {"set-not-null"}),
        ('ALTER TABLE "shop_item" RENAME COLUMN "value" TO "amount"', {"rename-column"}),
        ('ALTER TABLE "shop_item" RENAME TO "shop_thing"', {"rename-table"}),
        ('drop table "shop_item"', {"drop-table"}),
        ('ALTER TABLE "shop_item" ALTER COLUMN "value" TYPE bigint', {"type-change"}),
        (
            'ALTER TABLE "shop_item" ADD CONSTRAINT "c" CHECK ("value" > 0)',
            {"constraint-not-valid"},
        ),
        ('ALTER TABLE "shop_item" ADD CONSTRAINT "c" CHECK ("value" > 0) NOT VALID', set()),
        ('ALTER TABLE "shop_item" VALIDATE CONSTRAINT "c"', set()),
        ("REINDEX INDEX item_value", {"index-not-concurrent"}),
        ("REINDEX INDEX CONCURRENTLY item_value", set()),
        ("DROP INDEX item_value", {"index-not-concurrent"}),
    ],
)
def test_raw_sql_is_judged_by_the_linters_postgresql_analyser(sql, codes):
    operation = migrations.RunSQL(sql, migrations.RunSQL.noop)

    assert codes_of(item_state(models.IntegerField()), operation, atomic=False) == codes

"""
Each operation judged on its own, against a project state built for the test: what PostgreSQL
does in place is allowed, what rewrites, scans or re-validates is not.
"""

import pytest
from django.contrib.postgres.functions import RandomUUID
from django.db import migrations, models
from django.db.migrations.state import ProjectState
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now, Random, Round

from perf.migration_rules.checker import check_migration


def item_state(field: models.Field) -> ProjectState:
    state = ProjectState()
    migrations.CreateModel(
        "Item", [("id", models.BigAutoField(primary_key=True)), ("value", field)]
    ).state_forwards("shop", state)
    return state


def codes_of(
    state: ProjectState, *operations, atomic: bool = True, phase: str = "expand"
) -> set[str]:
    migration = migrations.Migration("0002_change", "shop")
    migration.operations, migration.atomic = list(operations), atomic
    migration.phase = phase
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
        (
            models.IntegerField(null=True),
            models.IntegerField(),
            {"set-not-null", "contract-in-expand"},
        ),
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

    not_null = migrations.AlterField("item", "value", models.IntegerField())
    with_default = migrations.AlterField("item", "value", models.IntegerField(default=0))

    assert codes_of(state.clone(), not_null, phase="contract") == set()
    assert codes_of(state.clone(), not_null) == {"contract-in-expand"}
    assert codes_of(state, with_default, phase="contract") == {"set-not-null"}


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
        (
            'ALTER TABLE "shop_item" ALTER COLUMN "value" SET NOT NULL',
            {"set-not-null", "contract-in-expand"},
        ),
        (
            'ALTER TABLE "shop_item" ADD COLUMN "token" uuid DEFAULT gen_random_uuid() NULL',
            {"volatile-default"},
        ),
        ('ALTER TABLE "shop_item" ADD COLUMN "at" timestamptz DEFAULT now() NULL', set()),
        ('ALTER TABLE "shop_item" ADD COLUMN "n" bigserial', {"volatile-default"}),
        (
            'ALTER TABLE "shop_item" ADD COLUMN "d" integer GENERATED ALWAYS AS ("value" * 2) '
            "STORED",
            {"stored-generated-column"},
        ),
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


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        (models.UUIDField(db_default=RandomUUID()), {"volatile-default"}),
        (models.FloatField(db_default=Random()), {"volatile-default"}),
        (models.FloatField(db_default=Func(function="clock_timestamp")), {"volatile-default"}),
        (models.FloatField(db_default=Round(Random() * 10)), {"volatile-default"}),
        (models.FloatField(null=True, db_default=RawSQL("random()", [])), {"volatile-default"}),
        # Now() is statement_timestamp() on PostgreSQL: STABLE, stored once, no rewrite.
        (models.DateTimeField(db_default=Now()), set()),
        (models.IntegerField(db_default=Value(3) + 4), set()),
        (models.BigAutoField(primary_key=True, serialize=False), {"volatile-default"}),
        (
            models.GeneratedField(
                expression=F("value") * 2, output_field=models.IntegerField(), db_persist=True
            ),
            {"stored-generated-column"},
        ),
    ],
)
def test_new_column_that_rewrites_the_table(field, codes):
    state = item_state(models.IntegerField())

    assert codes_of(state, migrations.AddField("item", "extra", field)) == codes


def shelf_key(**kwargs) -> models.ForeignKey:
    return models.ForeignKey("shop.shelf", **{"on_delete": models.CASCADE, **kwargs})


@pytest.mark.parametrize(
    ("new", "codes"),
    [
        # Python-only: no SQL at all.
        (shelf_key(on_delete=models.PROTECT, related_name="items"), set()),
        (shelf_key(null=True), {"foreign-key-recreated"}),
        (shelf_key(db_index=False), {"foreign-key-recreated"}),
        (shelf_key(to_field="code"), {"foreign-key-recreated"}),
        (shelf_key(db_constraint=False), set()),
        (
            models.ForeignKey("shop.rack", on_delete=models.CASCADE),
            {"foreign-key-recreated", "type-change"},
        ),
    ],
)
def test_alter_field_that_re_creates_a_foreign_key(new, codes):
    state = item_state(shelf_key())
    migrations.CreateModel(
        "Shelf",
        [("id", models.BigAutoField(primary_key=True)), ("code", models.IntegerField(unique=True))],
    ).state_forwards("shop", state)

    assert codes_of(state, migrations.AlterField("item", "value", new)) == codes


def test_adding_a_foreign_key_constraint_is_a_new_validated_constraint_not_a_re_creation():
    state = item_state(shelf_key(db_constraint=False))

    assert codes_of(state, migrations.AlterField("item", "value", shelf_key())) == {
        "constraint-not-valid"
    }

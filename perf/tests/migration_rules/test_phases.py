"""
Deploy phases: ``safe_migrate --phase expand`` stops before each app's first contract migration,
``--phase contract`` applies the rest, and the start script and ``make serve`` run expand only.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from perf.migration_rules.checker import check_migration
from perf.migration_rules.phases import expand_plan, plan_targets

from .postgres import columns
from .test_safe_migrate import applied

SAFE_EXPAND = ["0001_initial", "0002_expand", "0003_backfill_sku"]
REPO = Path(__file__).resolve().parents[3]


def plan_of(graph: MigrationGraph, app_label: str) -> list[migrations.Migration]:
    leaves = [node for node in graph.leaf_nodes() if node[0] == app_label]
    return [graph.nodes[node] for node in graph.forwards_plan(leaves[0])]


def test_expand_stops_before_the_first_contract_migration(rule_fixture_apps):
    graph = MigrationLoader(None, ignore_no_migrations=True).graph

    expand, held = expand_plan(graph, plan_of(graph, "rules_safe"))

    assert [name for label, name in expand if label == "rules_safe"] == SAFE_EXPAND
    assert held[0] == ("rules_safe", "0004_sku_not_null_not_valid")
    # Expand migrations after a contract one (0007_widen...) depend on it: they wait too.
    assert ("rules_safe", "0014_token_default") in held
    assert plan_targets(graph, expand) == [("rules_safe", "0003_backfill_sku")]


def migration(app_label: str, name: str, **attributes) -> migrations.Migration:
    instance = migrations.Migration(name, app_label)
    for key, value in attributes.items():
        setattr(instance, key, value)
    return instance


def test_an_expand_migration_of_another_app_that_depends_on_a_contract_one_waits():
    graph = MigrationGraph()
    steps = [
        migration("shop", "0001_initial"),
        migration("shop", "0002_drop_code", phase="contract"),
        migration("cart", "0001_initial"),
        migration("cart", "0002_after_drop"),
    ]
    for step in steps:
        graph.add_node((step.app_label, step.name), step)
    graph.add_dependency(None, ("shop", "0002_drop_code"), ("shop", "0001_initial"))
    graph.add_dependency(None, ("cart", "0002_after_drop"), ("cart", "0001_initial"))
    graph.add_dependency(None, ("cart", "0002_after_drop"), ("shop", "0002_drop_code"))

    expand, held = expand_plan(graph, steps)

    assert expand == [("shop", "0001_initial"), ("cart", "0001_initial")]
    assert held == [("shop", "0002_drop_code"), ("cart", "0002_after_drop")]
    assert plan_targets(graph, expand) == expand


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_safe_migrate_applies_expand_then_contract(safe_app):
    expand_output = StringIO()
    call_command("safe_migrate", "rules_safe", phase="expand", stdout=expand_output)

    assert applied("rules_safe") == set(SAFE_EXPAND)
    assert "holds back 11 migration(s) for the contract phase" in expand_output.getvalue()
    assert "rules_safe.0004_sku_not_null_not_valid" in expand_output.getvalue()
    assert columns("rules_safe_product")["sku"] == ("character varying", True)

    again = StringIO()
    call_command("safe_migrate", "rules_safe", phase="expand", stdout=again)
    assert "No migrations to apply in the expand phase." in again.getvalue()

    call_command("safe_migrate", "rules_safe", phase="contract", verbosity=0)

    assert len(applied("rules_safe")) == 14
    assert columns("rules_safe_product")["sku"] == ("character varying", False)
    assert "legacy_code" not in columns("rules_safe_product")


@pytest.mark.django_db(transaction=True)
def test_expand_phase_refuses_to_unapply(safe_app):
    call_command("safe_migrate", "rules_safe", "0001", verbosity=0)

    with pytest.raises(CommandError, match="unapply them without --phase"):
        call_command("safe_migrate", "rules_safe", "zero", phase="expand", verbosity=0)
    assert applied("rules_safe") == {"0001_initial"}


def test_the_start_script_and_make_serve_run_the_expand_phase_only():
    start = (REPO / "docker" / "web" / "start.sh").read_text()
    makefile = (REPO / "Makefile").read_text()

    assert "manage.py safe_migrate --noinput --phase expand" in start
    assert "--phase contract" not in start
    assert "serve: stack-up" in makefile
    assert "docker/web/start.sh" in makefile
    assert "safe_migrate --noinput --phase contract" in makefile


def contract_codes(sql: str, released: set | None = None) -> set[str]:
    state = ProjectState()
    migrations.CreateModel(
        "Item", [("id", models.BigAutoField(primary_key=True)), ("note", models.TextField())]
    ).state_forwards("shop", state)
    migrations.RemoveField("item", "note").state_forwards("shop", state)  # release N forgot it
    drop = migrations.Migration("0003_drop_note", "shop")
    drop.phase, drop.operations = "contract", [migrations.RunSQL(sql, migrations.RunSQL.noop)]
    return {violation.rule.code for violation in check_migration(drop, state, released)}


def test_a_contract_drop_is_judged_against_the_release_still_running():
    sql = 'ALTER TABLE "shop_item" DROP COLUMN "note"'

    assert contract_codes(sql) == set()
    # The release at --since REF still had the field.
    assert contract_codes(sql, released={("shop_item", None), ("shop_item", "note")}) == {
        "contract-same-release"
    }
    # A table the SQL does not quote cannot be looked up: refused rather than guessed.
    assert contract_codes("ALTER TABLE shop_item DROP COLUMN note") == {"contract-same-release"}

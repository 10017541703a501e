"""
Deploy phases: which migrations run before the new code starts, and which only once the old code
is gone.

A deploy runs ``safe_migrate --phase expand``, rolls the new code out, and once no process of the
previous release serves any more runs ``safe_migrate --phase contract``. A migration is an
*expand* step unless its class says ``phase = "contract"``: expand steps add what the new code
needs in a form the old code does not notice; contract steps remove or constrain what only the old
code needed (drop a column or table, set NOT NULL).

The expand phase applies, in graph order, every migration that is not a contract step and does
not depend on one: each app stops before its first contract migration. The contract phase applies
the rest. The check (``checker``) makes sure every contract step is marked, and that a contract
migration drops nothing the release still running during the deploy knows (see
``released_columns``).
"""

from collections.abc import Iterable

from django.db.migrations import Migration
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.state import ProjectState

from .columns import column, m2m_table

EXPAND, CONTRACT = "expand", "contract"
PHASES = (EXPAND, CONTRACT)
#: The class attribute of a Migration that names its phase, for example ``phase = "contract"``.
PHASE_ATTRIBUTE = "phase"

Node = tuple[str, str]


def phase_of(migration: Migration) -> str:
    """The migration's phase; a value that names no phase is read as expand (the check fails it)."""
    phase = getattr(migration, PHASE_ATTRIBUTE, EXPAND)
    return CONTRACT if phase == CONTRACT else EXPAND


def expand_plan(graph: MigrationGraph, plan: Iterable[Migration]) -> tuple[list[Node], list[Node]]:
    """Split a forward ``plan`` (in graph order) into what the expand phase applies and what it
    holds back for the contract phase: contract migrations and everything that depends on one."""
    applied, held = [], []
    for migration in plan:
        node = (migration.app_label, migration.name)
        parents = {parent.key for parent in graph.node_map[node].parents}
        if phase_of(migration) == CONTRACT or parents & set(held):
            held.append(node)
        else:
            applied.append(node)
    return applied, held


def plan_targets(graph: MigrationGraph, nodes: list[Node]) -> list[Node]:
    """The fewest targets that ``migrate`` brings the database to so as to apply exactly ``nodes``
    (a set closed under unapplied dependencies): those no other node of the set depends on."""
    wanted = set(nodes)
    return [
        node
        for node in nodes
        if not {child.key for child in graph.node_map[node].children} & wanted
    ]


def released_columns(state: ProjectState) -> set[tuple[str, str | None]]:
    """Every table, as ``(table, None)``, and column, as ``(table, column)``, of the models in
    ``state``: what the release whose code matches that state reads and writes."""
    found: set[tuple[str, str | None]] = set()
    for (app_label, _name), model in state.models.items():
        if model.options.get("proxy") or not model.options.get("managed", True):
            continue
        table = model.options.get("db_table") or f"{app_label}_{model.name_lower}"
        found.add((table, None))
        for name, field in model.fields.items():
            if field.many_to_many:
                found.add((m2m_table(table, name, field), None))
            else:
                found.add((table, column(name, field)))
    return found

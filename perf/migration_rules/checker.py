"""
Walk the project's migrations in graph order and judge every operation against the rules.

Each migration is judged against the project state just before it, rebuilt from the migration
graph, so the checks see the fields and tables as that migration finds them. Nothing touches a
database. Violations the migration lists in ``reviewed_exceptions`` (rule code -> reason) are
reported as allowed, with their reason, instead of failing the check.

Its deploy phase (``phases``) decides what a drop or a NOT NULL means: a contract step in an
expand migration breaks the release still running; in a contract migration it is the point, as
long as it drops nothing that release still knows. That release is the code at ``since`` when
given (``since``), else the code of the migration just before.
"""

import site
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from . import fields as _fields  # noqa: F401 (registers its checks)
from . import operations as _operations  # noqa: F401 (registers its checks)
from .context import Finding, OperationContext, check_operation
from .phases import CONTRACT, PHASE_ATTRIBUTE, PHASES, phase_of, released_columns
from .rules import DOCS, EXCEPTIONS_ATTRIBUTE, RULES, Violation
from .since import new_since
from .sql import is_data_operation

# Operations that change only Django's model state, never the database.
STATE_ONLY = (
    migrations.AlterModelOptions,
    migrations.AlterModelManagers,
    migrations.AlterConstraint,
)


@dataclass
class Report:
    migrations: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    allowed: list[tuple[Violation, str]] = field(default_factory=list)


def project_app_labels() -> list[str]:
    """The installed apps that belong to the project: those not installed as a package."""
    packages = {Path(path) for path in site.getsitepackages()}
    packages |= {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}
    return [
        config.label
        for config in apps.get_app_configs()
        if not any(Path(config.path).is_relative_to(path) for path in packages)
    ]


def check_migrations(
    app_labels: Iterable[str] | None = None, *, since: str | None = None
) -> Report:
    """Check every migration of ``app_labels`` (default: the project's apps) against the rules;
    with ``since`` (a git revision), only those new since it. Raises ``since.RevisionError``."""
    labels = list(app_labels) if app_labels else project_app_labels()
    for label in labels:
        apps.get_app_config(label)  # Raises LookupError for a label that is not installed.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    nodes = sorted(node for node in loader.graph.nodes if node[0] in labels)
    released = None
    if since is not None:
        new = _new_nodes(loader, nodes, since)
        nodes = [node for node in nodes if node in new]
        released = released_columns(_state_without(loader, new))
    report = Report()
    for node in nodes:
        migration = loader.graph.nodes[node]
        report.migrations.append(f"{migration.app_label}.{migration.name}")
        state = loader.project_state(node, at_end=False)
        _apply_exceptions(migration, list(check_migration(migration, state, released)), report)
    return report


def _new_nodes(loader: MigrationLoader, nodes: list, since: str) -> set:
    files = {
        node: Path(sys.modules[type(loader.graph.nodes[node]).__module__].__file__)
        for node in nodes
    }
    new_files = new_since(since, files.values())
    return {node for node, file in files.items() if file.resolve() in new_files}


def _state_without(loader: MigrationLoader, new: set) -> ProjectState:
    """The models of the release at ``since``: every migration but the new ones applied."""
    old = set(loader.graph.nodes) - new
    leaves = [
        node
        for node in old
        if not {child.key for child in loader.graph.node_map[node].children} & old
    ]
    if not leaves:
        return ProjectState(real_apps=loader.unmigrated_apps)
    return loader.graph.make_state(nodes=leaves, at_end=True, real_apps=loader.unmigrated_apps)


def check_migration(
    migration: migrations.Migration,
    state: ProjectState,
    released: set[tuple[str, str | None]] | None = None,
) -> Iterator[Violation]:
    """Judge one migration against ``state``, the project state before it; advances ``state``.

    ``released``: the tables and columns of the release still running (``phases``); by default
    those of ``state``.
    """
    label = f"{migration.app_label}.{migration.name}"
    phase = getattr(migration, PHASE_ATTRIBUTE, None)
    if phase is not None and phase not in PHASES:
        detail = f"phase = {phase!r}: only {' or '.join(map(repr, PHASES))}"
        yield Violation(RULES["invalid-phase"], label, PHASE_ATTRIBUTE, detail)
    if released is None:
        released = released_columns(state)
    context = OperationContext(migration.app_label, migration, state)
    for operation in migration.operations:
        for description, finding in _check_operation(operation, context):
            if broken := _judge(finding, phase_of(migration), released):
                yield Violation(RULES[broken.code], label, description, broken.detail)
        operation.state_forwards(migration.app_label, state)
        if isinstance(operation, migrations.CreateModel):
            context.created.add(operation.name_lower)
    yield from _check_data_with_schema(migration)


def _judge(finding: Finding, phase: str, released: set) -> Finding | None:
    """What a finding breaks in a migration of ``phase``, if anything."""
    if phase != CONTRACT:
        return finding
    if finding.code == "contract-in-expand":
        return None
    if finding.drops:
        # A table the raw SQL does not quote cannot be looked up: assume the worst.
        if finding.drops in released or finding.drops[0] == "?":
            detail = f"{finding.detail}, which the release still running has in its models"
            return Finding("contract-same-release", detail)
        return None
    return finding


def _check_operation(operation, context: OperationContext) -> Iterator[tuple[str, Finding]]:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        # Only the database operations run SQL, each against the state the previous one left.
        inner = OperationContext(
            context.app_label, context.migration, context.state.clone(), set(context.created)
        )
        for database_operation in operation.database_operations:
            yield from _check_operation(database_operation, inner)
            database_operation.state_forwards(context.app_label, inner.state)
        return
    for finding in check_operation(operation, context):
        yield operation.describe(), finding
    if not operation.reversible:
        yield operation.describe(), Finding("irreversible", "has no reverse operation")


def _database_operations(operations: Iterable) -> Iterator:
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        elif not isinstance(operation, STATE_ONLY):
            yield operation


def _check_data_with_schema(migration: migrations.Migration) -> Iterator[Violation]:
    operations = list(_database_operations(migration.operations))
    data = [operation for operation in operations if is_data_operation(operation)]
    schema = [operation for operation in operations if not is_data_operation(operation)]
    if data and schema:
        yield Violation(
            RULES["data-with-schema"],
            f"{migration.app_label}.{migration.name}",
            data[0].describe(),
            f"changes data in the same migration as a schema change ({schema[0].describe()})",
        )


def _apply_exceptions(
    migration: migrations.Migration, violations: list[Violation], report: Report
) -> None:
    label = f"{migration.app_label}.{migration.name}"
    exceptions = getattr(migration, EXCEPTIONS_ATTRIBUTE, {})
    reasons = {}
    if not isinstance(exceptions, dict):
        problem = f"{EXCEPTIONS_ATTRIBUTE} must be a dict from rule code to reason"
        report.violations.append(
            Violation(RULES["invalid-exception"], label, EXCEPTIONS_ATTRIBUTE, problem)
        )
        exceptions = {}
    for code, reason in exceptions.items():
        if code not in RULES or code == "invalid-exception":
            problem = f"{code!r} is not a rule code of {DOCS}"
        elif not isinstance(reason, str) or not reason.strip():
            problem = f"{code!r} gives no reason"
        else:
            reasons[code] = reason.strip()
            continue
        report.violations.append(
            Violation(RULES["invalid-exception"], label, EXCEPTIONS_ATTRIBUTE, problem)
        )
    for violation in violations:
        if violation.rule.code in reasons:
            report.allowed.append((violation, reasons[violation.rule.code]))
        else:
            report.violations.append(violation)

"""
Walk the project's migrations in graph order and judge every operation against the rules.

Each migration is judged against the project state just before it, rebuilt from the migration
graph, so the checks see the fields and tables as that migration finds them. Nothing touches a
database. Violations the migration lists in ``reviewed_exceptions`` (rule code -> reason) are
reported as allowed, with their reason, instead of failing the check.
"""

import site
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from .operations import OperationContext, check_operation
from .rules import DOCS, EXCEPTIONS_ATTRIBUTE, RULES, Violation
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


def check_migrations(app_labels: Iterable[str] | None = None) -> Report:
    """Check every migration of ``app_labels`` (default: the project's apps) against the rules."""
    labels = list(app_labels) if app_labels else project_app_labels()
    for label in labels:
        apps.get_app_config(label)  # Raises LookupError for a label that is not installed.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    report = Report()
    for node in sorted(node for node in loader.graph.nodes if node[0] in labels):
        migration = loader.graph.nodes[node]
        report.migrations.append(f"{migration.app_label}.{migration.name}")
        state = loader.project_state(node, at_end=False)
        _apply_exceptions(migration, list(check_migration(migration, state)), report)
    return report


def check_migration(migration: migrations.Migration, state: ProjectState) -> Iterator[Violation]:
    """Judge one migration against ``state``, the project state before it; advances ``state``."""
    context = OperationContext(migration.app_label, migration, state)
    for operation in migration.operations:
        yield from _check_operation(operation, context)
        operation.state_forwards(migration.app_label, state)
        if isinstance(operation, migrations.CreateModel):
            context.created.add(operation.name_lower)
    yield from _check_data_with_schema(migration)


def _check_operation(operation, context: OperationContext) -> Iterator[Violation]:
    migration = f"{context.migration.app_label}.{context.migration.name}"
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
        yield Violation(RULES[finding.code], migration, operation.describe(), finding.detail)
    if not operation.reversible:
        yield Violation(
            RULES["irreversible"], migration, operation.describe(), "has no reverse operation"
        )


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

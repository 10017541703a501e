"""
Judge each of Django's migration operations against the rules.

An operation object knows more than the SQL it emits: the field before and after, whether the
table was created by the same migration, whether a default lives in Python or in the database. So
the checks here work on operations and on the project state just before each one, which keeps them
exact where a SQL pattern would guess (a longer varchar is fine, a shorter one is not). Column
types are those of PostgreSQL, the production database, whatever database the check runs on.

``check_operation`` dispatches on the operation's class, most specific first, so a subclass such
as ``AddIndexConcurrentlyOnPostgres`` is judged as ``AddIndexConcurrently``.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import singledispatch
from typing import NamedTuple

from django.contrib.postgres.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    RemoveIndexConcurrently,
)
from django.db import migrations, models
from django.db.migrations.state import ModelState, ProjectState
from django.db.models.fields import NOT_PROVIDED

from perf.migration_rules.columns import (
    column,
    has_foreign_key_constraint,
    is_indexed,
    named,
    postgresql,
    target,
    widens,
)


class Finding(NamedTuple):
    code: str
    detail: str


@dataclass
class OperationContext:
    """Where an operation runs: its migration and the project state just before it."""

    app_label: str
    migration: migrations.Migration
    state: ProjectState
    created: set[str] = field(default_factory=set)

    def model(self, name: str) -> ModelState:
        return self.state.models[self.app_label, name.lower()]

    def table(self, name: str) -> str:
        model = self.model(name)
        return model.options.get("db_table") or f"{self.app_label}_{model.name_lower}"

    def is_new(self, name: str) -> bool:
        """Whether this migration created the table, so it is empty and no running code uses it."""
        return name.lower() in self.created


@singledispatch
def check_operation(operation: migrations.operations.base.Operation, context: OperationContext):
    """Yield a ``Finding`` for each rule the operation breaks; unknown operations break none."""
    return iter(())


def _column_findings(
    old: models.Field, new: models.Field, name: str, table: str
) -> Iterator[Finding]:
    """Type, collation and check changes of an altered column."""
    if old.is_relation or new.is_relation:
        if target(old) != target(new):
            yield Finding("type-change", f'changes what "{table}"."{name}" refers to')
        return
    before = named(name, old).db_parameters(postgresql())
    after = named(name, new).db_parameters(postgresql())
    if not widens(before["type"], after["type"]):
        yield Finding(
            "type-change",
            f'changes "{table}"."{name}" from {before["type"]} to {after["type"]}, which is not '
            "a widening PostgreSQL does in place",
        )
    if before.get("collation") != after.get("collation"):
        yield Finding("type-change", f'changes the collation of "{table}"."{name}"')
    if after.get("check") and after["check"] != before.get("check"):
        yield Finding(
            "constraint-not-valid",
            f'adds CHECK ({after["check"]}) to "{table}", validated at once by a full scan',
        )


def _proves_not_null(model: ModelState, name: str) -> bool:
    """Whether a CHECK (name IS NOT NULL) lets PostgreSQL skip the scan of SET NOT NULL."""
    proof = models.Q((f"{name}__isnull", False))
    return any(
        isinstance(constraint, models.CheckConstraint) and constraint.condition == proof
        for constraint in model.options["constraints"]
    )


@check_operation.register
def _(operation: migrations.AddField, context: OperationContext) -> Iterator[Finding]:
    field, name = operation.field, operation.name
    if context.is_new(operation.model_name) or field.many_to_many or field.generated:
        return
    table = context.table(operation.model_name)
    if not field.null and field.db_default is NOT_PROVIDED:
        yield Finding(
            "add-not-null-column",
            f'adds NOT NULL column "{name}" to existing table "{table}" without db_default',
        )
    if is_indexed(field):
        yield Finding(
            "index-not-concurrent",
            f'indexes the new column "{name}" of existing table "{table}" while blocking writes',
        )
    if has_foreign_key_constraint(field):
        yield Finding(
            "constraint-not-valid",
            f'adds a validated FOREIGN KEY on "{table}"."{name}"',
        )
    check = None if field.is_relation else named(name, field).db_parameters(postgresql())["check"]
    if check:
        yield Finding(
            "constraint-not-valid",
            f'adds column "{name}" with CHECK ({check}) to existing table "{table}", validated '
            "at once by a full scan",
        )


@check_operation.register
def _(operation: migrations.AlterField, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    model = context.model(operation.model_name)
    table = context.table(operation.model_name)
    name, old, new = operation.name, model.get_field(operation.name), operation.field
    if old.many_to_many or new.many_to_many:
        return
    if column(name, old) != column(name, new):
        yield Finding(
            "rename-column",
            f'renames column "{table}"."{column(name, old)}" to "{column(name, new)}"',
        )
    yield from _column_findings(old, new, name, table)
    if old.null and not new.null:
        has_default = new.has_default() or new.has_db_default()
        if has_default or not _proves_not_null(model, name):
            why = (
                "with a default, so Django also updates NULL rows under the lock"
                if has_default
                else "with no validated CHECK to spare the scan"
            )
            yield Finding("set-not-null", f'sets "{table}"."{name}" NOT NULL {why}')
    if is_indexed(new) and not is_indexed(old):
        yield Finding("index-not-concurrent", f'indexes "{table}"."{name}" while blocking writes')
    if has_foreign_key_constraint(new) and not (
        has_foreign_key_constraint(old) and target(old) == target(new)
    ):
        yield Finding("constraint-not-valid", f'adds a validated FOREIGN KEY on "{table}"."{name}"')


@check_operation.register
def _(operation: migrations.RemoveField, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    table = context.table(operation.model_name)
    field = context.model(operation.model_name).get_field(operation.name)
    if field.many_to_many:
        yield Finding("drop-table", f'drops the many-to-many table of "{table}".{operation.name}')
    else:
        yield Finding("drop-column", f'drops column "{table}"."{column(operation.name, field)}"')


@check_operation.register
def _(operation: migrations.RenameField, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    field = context.model(operation.model_name).get_field(operation.old_name)
    old, new = column(operation.old_name, field), column(operation.new_name, field)
    if old != new and not field.many_to_many:
        table = context.table(operation.model_name)
        yield Finding("rename-column", f'renames column "{table}"."{old}" to "{new}"')


@check_operation.register
def _(operation: migrations.DeleteModel, context: OperationContext) -> Iterator[Finding]:
    if not context.is_new(operation.name):
        yield Finding("drop-table", f'drops table "{context.table(operation.name)}"')


@check_operation.register
def _(operation: migrations.RenameModel, context: OperationContext) -> Iterator[Finding]:
    model = context.model(operation.old_name)
    if not context.is_new(operation.old_name) and not model.options.get("db_table"):
        new_table = f"{context.app_label}_{operation.new_name_lower}"
        yield Finding(
            "rename-table",
            f'renames table "{context.table(operation.old_name)}" to "{new_table}"',
        )


@check_operation.register
def _(operation: migrations.AlterModelTable, context: OperationContext) -> Iterator[Finding]:
    old_table = context.table(operation.name)
    new_table = operation.table or f"{context.app_label}_{operation.name_lower}"
    if not context.is_new(operation.name) and old_table != new_table:
        yield Finding("rename-table", f'renames table "{old_table}" to "{new_table}"')


@check_operation.register
def _(operation: migrations.AddIndex, context: OperationContext) -> Iterator[Finding]:
    if not context.is_new(operation.model_name):
        table = context.table(operation.model_name)
        yield Finding(
            "index-not-concurrent",
            f'builds index "{operation.index.name}" on existing table "{table}" while blocking '
            "writes",
        )


@check_operation.register
def _(operation: migrations.RemoveIndex, context: OperationContext) -> Iterator[Finding]:
    if not context.is_new(operation.model_name):
        table = context.table(operation.model_name)
        yield Finding(
            "index-not-concurrent",
            f'drops index "{operation.name}" of "{table}" under an ACCESS EXCLUSIVE lock',
        )


@check_operation.register(AddIndexConcurrently)
@check_operation.register(RemoveIndexConcurrently)
def _(operation: migrations.operations.base.Operation, context: OperationContext):
    if context.migration.atomic:
        yield Finding(
            "concurrent-in-atomic",
            f"{operation.describe()} in migration with atomic = True",
        )


@check_operation.register
def _(operation: migrations.AddConstraint, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    table, name = context.table(operation.model_name), operation.constraint.name
    if isinstance(operation.constraint, models.CheckConstraint):
        yield Finding(
            "constraint-not-valid",
            f'adds CHECK constraint "{name}" to "{table}", validated at once by a full scan',
        )
    else:
        yield Finding(
            "index-not-concurrent",
            f'adds constraint "{name}" to "{table}", building its index while blocking writes',
        )


@check_operation.register
def _(operation: AddConstraintNotValid, context: OperationContext) -> Iterator[Finding]:
    return iter(())


@check_operation.register(migrations.AlterUniqueTogether)
@check_operation.register(migrations.AlterIndexTogether)
def _(operation: migrations.AlterUniqueTogether, context: OperationContext):
    if context.is_new(operation.name):
        return
    before = context.model(operation.name).options.get(operation.option_name, set())
    added = set(operation.option_value or ()) - {tuple(fields) for fields in before}
    if added:
        table = context.table(operation.name)
        yield Finding(
            "index-not-concurrent",
            f'adds {operation.option_name} {sorted(added)} to "{table}", building an index '
            "while blocking writes",
        )


@check_operation.register
def _(operation: migrations.AlterOrderWithRespectTo, context: OperationContext):
    if operation.order_with_respect_to and not context.is_new(operation.name):
        yield Finding(
            "add-not-null-column",
            f'adds NOT NULL column "_order" to existing table "{context.table(operation.name)}" '
            "without db_default",
        )

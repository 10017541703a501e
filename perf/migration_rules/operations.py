"""
Judge the operations on whole tables: models, indexes and constraints (``fields`` judges the
operations on one column). Each check sees the project state just before the operation, so an
operation on a table the same migration created, empty and unused, is allowed.
"""

from collections.abc import Iterator

from django.contrib.postgres.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    RemoveIndexConcurrently,
)
from django.db import migrations, models

from .context import Finding, OperationContext, check_operation
from .fields import is_not_null_check


def _not_null_check(operation, context: OperationContext) -> Iterator[Finding]:
    """A CHECK (field IS NOT NULL) refuses, from the moment it is added, what the release still
    running inserts without the field: a contract step, even NOT VALID."""
    if name := is_not_null_check(operation.constraint):
        yield Finding(
            "contract-in-expand",
            f'adds CHECK ("{name}" IS NOT NULL) to "{context.table(operation.model_name)}", which '
            "the release still running may not fill",
        )


@check_operation.register
def _(operation: migrations.DeleteModel, context: OperationContext) -> Iterator[Finding]:
    if not context.is_new(operation.name):
        table = context.table(operation.name)
        yield Finding("drop-table", f'drops table "{table}"', drops=(table, None))


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
    yield from _not_null_check(operation, context)
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
    if not context.is_new(operation.model_name):
        yield from _not_null_check(operation, context)


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

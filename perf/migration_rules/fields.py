"""
Judge the operations that add, alter, remove or rename one field of an existing table.

An operation object knows more than the SQL it emits: the field before and after, whether the
table was created by the same migration, whether a default lives in Python or in the database. So
these checks work on operations and on the project state just before each one, which keeps them
exact where a SQL pattern would guess (a longer varchar is fine, a shorter one is not). Column
types are those of PostgreSQL, the production database, whatever database the check runs on.
"""

from collections.abc import Iterator

from django.db import migrations, models
from django.db.migrations.state import ModelState
from django.db.models.fields import NOT_PROVIDED

from .columns import (
    alters_foreign_key,
    column,
    has_foreign_key_constraint,
    is_indexed,
    m2m_table,
    named,
    postgresql,
    target,
    volatile_default,
    widens,
)
from .context import Finding, OperationContext, check_operation


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


def proves_not_null(model: ModelState, name: str) -> bool:
    """Whether a CHECK (name IS NOT NULL) lets PostgreSQL skip the scan of SET NOT NULL."""
    return any(is_not_null_check(constraint) == name for constraint in model.options["constraints"])


def is_not_null_check(constraint: models.BaseConstraint) -> str | None:
    """The field a ``CHECK (field IS NOT NULL)`` constrains, if that is what it is."""
    if not isinstance(constraint, models.CheckConstraint):
        return None
    children = constraint.condition.children
    if len(children) == 1 and not constraint.condition.negated and isinstance(children[0], tuple):
        lookup, value = children[0]
        if lookup.endswith("__isnull") and value is False:
            return lookup.removesuffix("__isnull")
    return None


@check_operation.register
def _(operation: migrations.AddField, context: OperationContext) -> Iterator[Finding]:
    field, name = operation.field, operation.name
    if context.is_new(operation.model_name) or field.many_to_many:
        return
    table = context.table(operation.model_name)
    if field.generated:
        yield Finding(
            "stored-generated-column",
            f'adds stored generated column "{name}" to existing table "{table}", computing it for '
            "every row while holding an ACCESS EXCLUSIVE lock",
        )
        return
    if volatile := volatile_default(field):
        yield Finding(
            "volatile-default",
            f'adds column "{name}" to existing table "{table}" with a volatile default '
            f"({volatile}), rewriting the table",
        )
    elif not field.null and field.db_default is NOT_PROVIDED:
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
        yield Finding("constraint-not-valid", f'adds a validated FOREIGN KEY on "{table}"."{name}"')
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
        yield Finding(
            "contract-in-expand",
            f'sets "{table}"."{name}" NOT NULL, which the release still running may not fill',
        )
        has_default = new.has_default() or new.has_db_default()
        if has_default or not proves_not_null(model, name):
            why = (
                "with a default, so Django also updates NULL rows under the lock"
                if has_default
                else "with no validated CHECK to spare the scan"
            )
            yield Finding("set-not-null", f'sets "{table}"."{name}" NOT NULL {why}')
    if is_indexed(new) and not is_indexed(old):
        yield Finding("index-not-concurrent", f'indexes "{table}"."{name}" while blocking writes')
    if has_foreign_key_constraint(new) and not has_foreign_key_constraint(old):
        yield Finding("constraint-not-valid", f'adds a validated FOREIGN KEY on "{table}"."{name}"')
    elif alters_foreign_key(old, new, name):
        yield Finding(
            "foreign-key-recreated",
            f'drops and re-creates the FOREIGN KEY of "{table}"."{name}", validating it again',
        )


@check_operation.register
def _(operation: migrations.RemoveField, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    table = context.table(operation.model_name)
    field = context.model(operation.model_name).get_field(operation.name)
    if field.many_to_many:
        through = m2m_table(table, operation.name, field)
        yield Finding(
            "drop-table",
            f'drops the many-to-many table "{through}" of "{table}".{operation.name}',
            drops=(through, None),
        )
    else:
        dropped = column(operation.name, field)
        yield Finding("drop-column", f'drops column "{table}"."{dropped}"', drops=(table, dropped))


@check_operation.register
def _(operation: migrations.RenameField, context: OperationContext) -> Iterator[Finding]:
    if context.is_new(operation.model_name):
        return
    field = context.model(operation.model_name).get_field(operation.old_name)
    old, new = column(operation.old_name, field), column(operation.new_name, field)
    if old != new and not field.many_to_many:
        table = context.table(operation.model_name)
        yield Finding("rename-column", f'renames column "{table}"."{old}" to "{new}"')

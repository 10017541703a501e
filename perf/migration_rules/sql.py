"""
Judge what Django cannot describe as an operation: raw SQL and the code of data migrations.

django-migration-linter does this part. Its PostgreSQL analyser reads SQL statements for the
dangerous patterns (DROP COLUMN, RENAME, CREATE INDEX without CONCURRENTLY, ALTER COLUMN ... TYPE,
ADD UNIQUE) and its data-migration checks read RunPython code for models imported instead of taken
from the historical ``apps``. ``ZeroDowntimeAnalyser`` adds what it lacks (SET NOT NULL, constraints
added without NOT VALID) and ``LINTER_RULES`` maps its codes onto this project's rules, so a finding
reads the same whichever checker made it. Only the forward SQL is read: the reverse of an
``ADD COLUMN`` is a ``DROP COLUMN`` on purpose.
"""

import inspect
import re
from collections.abc import Callable, Iterator

import sqlparse
from django.db import migrations
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser.analyser import analyse_sql_statements
from django_migration_linter.sql_analyser.base import Check, CheckMode, CheckType
from django_migration_linter.sql_analyser.base import has_not_null_column as _has_not_null_column
from django_migration_linter.sql_analyser.postgresql import PostgresqlAnalyser

from .columns import VOLATILE_CALL
from .context import Finding, OperationContext, check_operation

LINTER_RULES = {
    "NOT_NULL": "add-not-null-column",
    "SET_NOT_NULL": "set-not-null",
    "DROP_COLUMN": "drop-column",
    "DROP_TABLE": "drop-table",
    "RENAME_COLUMN": "rename-column",
    "RENAME_TABLE": "rename-table",
    "ALTER_COLUMN": "type-change",
    "ADD_UNIQUE": "index-not-concurrent",
    "CREATE_INDEX": "index-not-concurrent",
    "CREATE_INDEX_EXCLUSIVE": "index-not-concurrent",
    "DROP_INDEX": "index-not-concurrent",
    "REINDEX": "index-not-concurrent",
    "ADD_CONSTRAINT_VALIDATED": "constraint-not-valid",
    "RUNPYTHON_MODEL_IMPORT": "historical-models",
    "VOLATILE_DEFAULT": "volatile-default",
    "STORED_GENERATED": "stored-generated-column",
}

DATA_STATEMENTS = {"INSERT", "UPDATE", "DELETE", "SELECT"}


def _adds_not_null_column(sql: list[str], **kwargs) -> bool:
    return _has_not_null_column([statement for statement in sql if "SET NOT NULL" not in statement])


def _adds_validated_constraint(sql: str, **kwargs) -> bool:
    return bool(re.search(r"ADD CONSTRAINT .*\b(CHECK|FOREIGN KEY)\b", sql)) and (
        "NOT VALID" not in sql
    )


def _adds_rewriting_column(sql: str, **kwargs) -> bool:
    if "ADD COLUMN" not in sql:
        return False
    default = re.search(r"\bDEFAULT\b(.*)", sql)
    return bool(
        (default and VOLATILE_CALL.search(default[1]))
        or re.search(r"\b(SMALL|BIG)?SERIAL\b|\bAS IDENTITY\b", sql)
    )


class ZeroDowntimeAnalyser(PostgresqlAnalyser):
    """The linter's PostgreSQL analyser, plus the patterns the rules need and it lacks."""

    migration_checks = [
        *PostgresqlAnalyser.migration_checks,
        # The linter's NOT_NULL also fires on SET NOT NULL, which is a different rule here.
        Check(
            code="NOT_NULL",
            fn=_adds_not_null_column,
            message="NOT NULL column without a default",
            mode=CheckMode.TRANSACTION,
            type=CheckType.ERROR,
        ),
        # The linter's REINDEX also fires on REINDEX CONCURRENTLY.
        Check(
            code="REINDEX",
            fn=lambda sql, **kwargs: sql.startswith("REINDEX") and "CONCURRENTLY" not in sql,
            message="REINDEX locks the table",
            mode=CheckMode.ONE_LINER,
            type=CheckType.WARNING,
        ),
        Check(
            code="SET_NOT_NULL",
            fn=lambda sql, **kwargs: "SET NOT NULL" in sql,
            message="SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
            mode=CheckMode.ONE_LINER,
            type=CheckType.ERROR,
        ),
        Check(
            code="ADD_CONSTRAINT_VALIDATED",
            fn=_adds_validated_constraint,
            message="ADD CONSTRAINT without NOT VALID validates at once",
            mode=CheckMode.ONE_LINER,
            type=CheckType.ERROR,
        ),
        Check(
            code="VOLATILE_DEFAULT",
            fn=_adds_rewriting_column,
            message="ADD COLUMN with a volatile default (or serial, identity) rewrites the table",
            mode=CheckMode.ONE_LINER,
            type=CheckType.ERROR,
        ),
        Check(
            code="STORED_GENERATED",
            fn=lambda sql, **kwargs: bool(re.search(r"ADD COLUMN .*\bGENERATED ALWAYS AS \(", sql)),
            message="ADD COLUMN ... GENERATED ALWAYS AS ... STORED rewrites the table",
            mode=CheckMode.ONE_LINER,
            type=CheckType.ERROR,
        ),
    ]


def sql_statements(operation: migrations.RunSQL) -> list[str]:
    """The forward statements of a RunSQL, keywords upper-cased as the linter expects."""
    sql = operation.sql
    items = [sql] if isinstance(sql, str) else list(sql)
    statements = []
    for item in items:
        text = item[0] if isinstance(item, list | tuple) else item
        for statement in sqlparse.split(text):
            formatted = sqlparse.format(statement, keyword_case="upper", strip_comments=True)
            if formatted := formatted.strip().rstrip(";").strip():
                statements.append(formatted)
    return statements


def is_data_operation(operation: migrations.operations.base.Operation) -> bool:
    """Whether the operation changes rows rather than the schema."""
    if isinstance(operation, migrations.RunPython):
        return True
    if isinstance(operation, migrations.RunSQL):
        statements = sql_statements(operation)
        return bool(statements) and all(
            sqlparse.parse(statement)[0].get_type() in DATA_STATEMENTS for statement in statements
        )
    return False


def _runs_in_transaction(operation: migrations.operations.base.Operation, migration) -> bool:
    # An atomic migration runs in one transaction; an atomic operation gets its own one.
    return bool(migration.atomic or operation.atomic)


@check_operation.register
def _(operation: migrations.RunSQL, context: OperationContext) -> Iterator[Finding]:
    statements = sql_statements(operation)
    if not statements:
        return
    errors, _ignored, warnings = analyse_sql_statements(ZeroDowntimeAnalyser, statements)
    for issue in errors + warnings:
        if issue.code not in LINTER_RULES:
            continue
        code = LINTER_RULES[issue.code]
        where = f' on "{issue.table}"' if issue.table else ""
        where += f' column "{issue.column}"' if issue.column else ""
        drops = None
        if code in ("drop-column", "drop-table"):
            drops = (issue.table or "?", issue.column if code == "drop-column" else None)
        yield Finding(code, f"raw SQL: {issue.message}{where}", drops)
        if code == "set-not-null":
            yield Finding("contract-in-expand", f"raw SQL: SET NOT NULL{where}")
    if _runs_in_transaction(operation, context.migration) and any(
        "CONCURRENTLY" in statement for statement in statements
    ):
        yield Finding("concurrent-in-atomic", "raw SQL runs CONCURRENTLY inside a transaction")


def _source(function: Callable) -> str:
    try:
        return inspect.getsource(MigrationLinter.discover_function(function))
    except (OSError, TypeError):
        return ""


@check_operation.register
def _(operation: migrations.RunPython, context: OperationContext) -> Iterator[Finding]:
    functions = [operation.code]
    if operation.reverse_code not in (None, migrations.RunPython.noop):
        functions.append(operation.reverse_code)
    if _runs_in_transaction(operation, context.migration):
        yield Finding(
            "data-migration-atomic",
            "runs the whole data migration in one transaction (atomic = True)",
        )
    for function in functions:
        name = MigrationLinter.discover_function(function).__name__
        source = _source(function)
        if not source:
            continue
        for issue in MigrationLinter.get_runpython_model_import_issues(function):
            yield Finding(LINTER_RULES[issue.code], issue.message)
        if ("get_model(" in source or ".objects" in source) and "connection.alias" not in source:
            yield Finding(
                "data-migration-db-alias",
                f"'{name}' queries models without .using(schema_editor.connection.alias)",
            )

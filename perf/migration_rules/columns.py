"""
What the migration rules need to know of a column: its name and type as PostgreSQL has them,
whether it is indexed or constrained, and whether a type change only widens it (no rewrite).
"""

import re
from functools import cache

from django.db import models
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


@cache
def postgresql() -> PostgreSQLDatabaseWrapper:
    # Never connects: only its column type mapping is used.
    return PostgreSQLDatabaseWrapper({}, alias="migration_rules")


def named(name: str, field: models.Field) -> models.Field:
    """A copy of a migration state's field, which has no name, as it is once bound to ``name``."""
    field = field.clone()
    field.set_attributes_from_name(name)
    return field


def column(name: str, field: models.Field) -> str:
    return named(name, field).column


def is_indexed(field: models.Field) -> bool:
    return not field.primary_key and (field.db_index or field.unique)


def has_foreign_key_constraint(field: models.Field) -> bool:
    return bool(field.many_to_one or field.one_to_one) and field.db_constraint


def target(field: models.Field) -> str:
    return str(field.remote_field.model).lower() if field.is_relation else ""


VARCHAR = re.compile(r"varchar(?:\((\d+)\))?")
NUMERIC = re.compile(r"numeric(?:\((\d+), (\d+)\))?")


def widens(old_type: str, new_type: str) -> bool:
    """Whether PostgreSQL changes ``old_type`` to ``new_type`` without a rewrite or a check."""
    if old_type == new_type:
        return True
    old_varchar = VARCHAR.fullmatch(old_type)
    if old_varchar or old_type == "text":
        new_varchar = VARCHAR.fullmatch(new_type)
        if new_type == "text" or (new_varchar and new_varchar[1] is None):
            return True
        return bool(
            old_varchar
            and old_varchar[1]
            and new_varchar
            and int(new_varchar[1]) >= int(old_varchar[1])
        )
    old_numeric, new_numeric = NUMERIC.fullmatch(old_type), NUMERIC.fullmatch(new_type)
    if old_numeric and new_numeric:
        if new_numeric[1] is None:
            return True
        return bool(
            old_numeric[1]
            and new_numeric[2] == old_numeric[2]
            and int(new_numeric[1]) >= int(old_numeric[1])
        )
    return False


def m2m_table(table: str, name: str, field: models.ManyToManyField) -> str:
    """The table of an auto-created many-to-many relation (before Django truncates long names)."""
    return field.db_table or f"{table}_{name}"


def alters_foreign_key(old: models.Field, new: models.Field, name: str) -> bool:
    """Whether Django drops and re-creates (and so validates again) the column's foreign key.

    Django's schema editor does so for any change of the field other than its Python-only
    attributes (``on_delete``, ``related_name``, ``verbose_name``...): a new ``to_field``,
    ``null``, ``db_index``, ``unique`` or target all re-create it.
    """
    if not (has_foreign_key_constraint(old) and has_foreign_key_constraint(new)):
        return False
    return _database_side(named(name, old)) != _database_side(named(name, new))


def _database_side(field: models.Field) -> tuple:
    # As the schema editor's _field_should_be_altered(), on a state's unresolved fields.
    _name, path, args, kwargs = field.deconstruct()
    for attr in (*field.non_db_attrs, "db_comment"):
        kwargs.pop(attr, None)
    kwargs["to"] = str(kwargs.get("to", "")).lower()
    return field.column, path, args, kwargs


# Functions PostgreSQL marks VOLATILE: a column added with such a default gets a value per row,
# so the table is rewritten. STABLE ones (now(), statement_timestamp(), which Django's Now() emits)
# are evaluated once and stored as the column's missing value: no rewrite since PostgreSQL 11.
VOLATILE_FUNCTIONS = (
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuidv4",
    "uuidv7",
    "clock_timestamp",
    "timeofday",
    "nextval",
)
VOLATILE_CALL = re.compile(rf"\b({'|'.join(VOLATILE_FUNCTIONS)})\s*\(", re.IGNORECASE)
AUTO_FIELDS = ("AutoField", "BigAutoField", "SmallAutoField")


def volatile_default(field: models.Field) -> str | None:
    """The volatile function a new column's database default calls, if any."""
    if field.get_internal_type() in AUTO_FIELDS:
        return "nextval (an identity column numbers every row)"
    if field.db_default is models.NOT_PROVIDED:
        return None
    return _volatile_call(field.db_default)


def _volatile_call(expression) -> str | None:
    if isinstance(expression, models.expressions.RawSQL):
        text = expression.sql
    else:  # Func names its SQL function, or spells it in its template (RandomUUID).
        extra = getattr(expression, "extra", {})
        function = extra.get("function") or getattr(expression, "function", None) or ""
        template = extra.get("template") or getattr(expression, "template", "")
        text = f"{function}() {template}"
    if match := VOLATILE_CALL.search(text):
        return match[1].lower()
    sources = getattr(expression, "get_source_expressions", list)()
    return next(filter(None, map(_volatile_call, filter(None, sources))), None)

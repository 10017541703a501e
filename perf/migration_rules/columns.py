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

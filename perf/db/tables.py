"""
Which model a SELECT reads, from its SQL: the table after its first ``FROM``.

``Server-Timing`` counts each node's reads by kind (the app of the model: ``sessions``,
``auth``, ``catalog``...), which the load tests use to say who reads the primary, and why. An
execute wrapper sees only SQL, so the ORM's quoted table names are mapped back to models; the
first quoted table is the queryset's own (joins and subqueries come after it).
"""

import re
from functools import cache

from django.apps import apps
from django.db.models import Model

_FIRST_TABLE = re.compile(r'\bFROM\s+"([^"]+)"', re.IGNORECASE)


@cache
def _models_by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def model_read(statement: str) -> type[Model] | None:
    """The model whose table ``statement`` reads first, or None (raw SQL, a function call)."""
    match = _FIRST_TABLE.search(statement)
    return _models_by_table().get(match.group(1)) if match else None


def kind(model: type[Model] | None) -> str:
    """What a read is of, in a word: its model's app label, ``other`` for raw SQL."""
    return model._meta.app_label if model is not None else "other"

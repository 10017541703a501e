"""
What a check of one operation sees, and what it reports.

``check_operation`` dispatches on the operation's class, most specific first, so a subclass such
as ``AddIndexConcurrentlyOnPostgres`` is judged as ``AddIndexConcurrently``. ``fields`` registers
the checks of field operations, ``operations`` those of models, indexes and constraints, ``sql``
those of raw SQL and data migrations.
"""

from dataclasses import dataclass, field
from functools import singledispatch
from typing import NamedTuple

from django.db import migrations
from django.db.migrations.state import ModelState, ProjectState


class Finding(NamedTuple):
    code: str
    detail: str
    #: What a drop removes, ``(table, column)`` or ``(table, None)``: the release check compares
    #: it with the models of the release still running (``phases.released_columns``).
    drops: tuple[str, str | None] | None = None


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

"""
Invalidations that outlive the process that made them.

A bump runs after commit. If Redis cannot take it then (a blip) and the process ends before it
can retry (a management command, a shell, a recycled worker), pages show the old data for up to
their TTL while checkout charges the new price. So a bump asked for inside a transaction is
first written to the database in that same transaction, as a ``PendingInvalidation`` row: it
commits or rolls back with the change. After commit the row is applied to Redis and deleted; a
row that could not be applied stays, and every process drains the table at most every
``OUTBOX_DRAIN_INTERVAL`` seconds, before it reads generations. A bump outside a transaction
(its change has already committed) is written there only when Redis refuses it.

Applying a row twice is harmless: a second bump only retires entries once more.
"""

from collections.abc import Iterable
from contextlib import suppress

from django.db import DatabaseError

from perf.conf import get_config
from perf.models import PendingInvalidation

#: Rows applied per drain; the rest wait for the next one.
DRAIN_BATCH = 500


def record(namespaces: Iterable[str], *, using: str | None) -> list[int]:
    """Write ``namespaces`` as pending, in the current transaction on ``using``; their ids."""
    rows = PendingInvalidation.objects.using(using or get_config()["PRIMARY"]).bulk_create(
        PendingInvalidation(namespace=ns) for ns in namespaces
    )
    return [row.pk for row in rows]


def discard(ids: list[int], *, using: str | None) -> None:
    """Delete applied rows. A failure leaves them to a drain, which applies them again."""
    if not ids:
        return
    with suppress(DatabaseError):
        PendingInvalidation.objects.using(using or get_config()["PRIMARY"]).filter(
            pk__in=ids
        ).delete()


def written_after(pk: int) -> list[PendingInvalidation]:
    """The rows written since row ``pk``, oldest first, from the primary; raises
    DatabaseError."""
    primary = get_config()["PRIMARY"]
    rows = PendingInvalidation.objects.using(primary).filter(pk__gt=pk).order_by("pk")
    return list(rows[:DRAIN_BATCH])


def waiting() -> list[PendingInvalidation]:
    """The oldest rows still to apply, from the primary; raises DatabaseError."""
    primary = get_config()["PRIMARY"]
    return list(PendingInvalidation.objects.using(primary).order_by("pk")[:DRAIN_BATCH])

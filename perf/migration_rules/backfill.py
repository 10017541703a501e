"""
The batched, resumable backfill that long data migrations use.

One UPDATE over a large table holds its row locks until it commits, keeps a long transaction open
on the primary and sends a burst of WAL to the replicas. ``backfill`` updates the rows a batch at a
time in primary-key order, committing each batch, so locks are short and a failure loses one batch.
Give it a queryset that selects only the rows still to do: a rerun then resumes where the last
stopped. The migration holding it sets ``atomic = False``, or every batch would share one
transaction again.
"""

from django.db import models, transaction


def backfill(queryset: models.QuerySet, *, using: str, batch_size: int = 1000, **values) -> int:
    """
    Set ``values`` (constants or expressions such as ``F()``) on the rows of ``queryset`` in
    ``using``, ``batch_size`` rows per transaction; return how many rows were updated.

    ``using`` is explicit because a data migration must read the primary it migrates
    (``schema_editor.connection.alias``), not a replica the router would pick.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    rows = queryset.using(using).order_by("pk")
    updated = 0
    last_pk = None
    while True:
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        pks = list(batch.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return updated
        with transaction.atomic(using=using):
            updated += queryset.model._base_manager.using(using).filter(pk__in=pks).update(**values)
        last_pk = pks[-1]

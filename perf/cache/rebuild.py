"""
What ``manage.py rebuild_cache`` needs from a shop, and the query counter its summary uses.

``perf`` knows nothing about products: the shop lists in ``PERF["CACHE_REBUILDERS"]`` the dotted
paths of callables returning ``CacheRebuilder`` objects, which refill their data objects in
batches and name the pages worth rendering ahead of visitors. Each batch of pages may be rendered
in another process (``rebuild_cache --workers``): a rebuilder names the paths, then, in whichever
process renders them, reads in bulk what they need.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Protocol

from django.db import connections
from django.utils.module_loading import import_string

from perf.conf import get_config


class CacheRebuilder(Protocol):
    #: Shown in the progress bars and the summary.
    name: str

    def data_count(self) -> int:
        """How many data objects ``rebuild_data`` refills."""

    def rebuild_data(self) -> Iterator[int]:
        """Refill the data level batch by batch, yielding how many objects each batch refilled."""

    def page_count(self) -> int:
        """How many paths ``page_batches`` yields."""

    def page_batches(self) -> Iterator[list[str]]:
        """Paths of the pages to render once the data level is full, in batches; cheap to list,
        since the batches may be rendered in other processes."""

    def prepare_pages(self, paths: list[str]) -> None:
        """Read in bulk the data objects the pages at ``paths`` need, just before they are
        rendered: they land in L1 and in the batch's generation snapshot, so rendering the batch
        costs no round trip. Not called without a data level (the naive rebuild)."""


def rebuilders() -> list[CacheRebuilder]:
    return [import_string(path)() for path in get_config()["CACHE_REBUILDERS"]]


class QueryCounter:
    count = 0


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Count the SQL statements run on every database alias, in this thread, inside the block."""
    counter = QueryCounter()

    def counting(execute, sql, params, many, context):
        counter.count += 1
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(counting))
        yield counter

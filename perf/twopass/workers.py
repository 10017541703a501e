"""
Batches of pages prerendered in worker processes, for ``rebuild_cache --workers``.

Rendering a page is CPU-bound Python: one process renders one page at a time, whatever the
machine, so the rebuild gives each core a process. The workers are forked from the command once
Django is set up, so they run the settings and the cache objects the command runs (its
``--without-data-cache`` too); their parent first closes its database connections, since a child
must never share a socket its parent opened (Redis clients reconnect on their own in a child, and
the generation tracker forgets what it remembered: both check the process id). Each
worker builds the rebuilders once; per batch, it reads what the pages need and renders them
inside one generation snapshot, as ``rebuild_cache`` does in a single process. The pages reach
the site through the shared cache (L2) alone, so workers need one that is shared between processes.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import cache

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections

from perf.cache import data_cache, generations, shared_cache
from perf.cache.rebuild import CacheRebuilder, count_queries, rebuilders
from perf.twopass.prerender import prerender_many


def render_batch(rebuilder: CacheRebuilder, paths: list[str], *, base_url: str) -> tuple[int, int]:
    """Render the pages at ``paths`` into the page cache: how many were cached, in how many
    queries. The one way a batch is rendered, in the command's process or in a worker."""
    with count_queries() as queries, generations().snapshot():
        if data_cache().enabled:
            rebuilder.prepare_pages(paths)
        pages = prerender_many(paths, base_url=base_url)
    return pages, queries.count


def cache_is_shared() -> bool:
    """Whether pages a worker stores reach other processes: not through a local-memory L2."""
    return not isinstance(shared_cache().backend, LocMemCache | DummyCache)


def pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one at the first ``submit()``, which must come before
    anything opens a database connection again; not from inside a transaction."""
    connections.close_all()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def render_batch_in_worker(index: int, paths: list[str], base_url: str) -> tuple[int, int]:
    """``render_batch`` with the worker's own instance of the ``index``-th rebuilder."""
    return render_batch(_rebuilders()[index], paths, base_url=base_url)


@cache
def _rebuilders() -> list[CacheRebuilder]:
    return rebuilders()

"""
An audit of the invalidation graph, for tests: does every table a page reads have a namespace?

A two-pass page names the namespaces it depends on, and receivers bump them when data changes.
The graph is written by hand, so a page can read a table that no namespace it depends on covers;
an edit there then leaves the page stale until PAGE_TTL, and no test notices. Inside
``audit_pass_one()``, every pass one records the tables its queries read, those made to fill the
data cache included, and raises ``UncoveredRead`` when one is read that none of the page's own
namespaces is declared to cover. The page's namespaces alone count: the page holds the data in
its HTML, and only their generations are in its key, so a change to a cached object must bump
them too (as the catalog's receivers bump a listing when one of its cards changes).

Only queries are seen: data served from the cache reads no table, so run the audit on tests that
start with empty caches (the suite's do).
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

from perf.twopass.mixin import TwoPassCacheMixin

# Django quotes every table it names in FROM and JOIN clauses.
_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"')


class UncoveredRead(AssertionError):
    """Pass one read a table that none of the page's namespaces covers."""


@dataclass
class _PassOneReads:
    namespaces: set[str]
    tables: set[str] = field(default_factory=set)

    def __call__(self, execute, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.tables.update(_TABLE.findall(sql))
        return execute(sql, params, many, context)


def covered_tables(namespaces: Iterable[str], tables_of: Mapping[str, Iterable[str]]) -> set[str]:
    """The tables ``namespaces`` cover: a namespace's own entry, or its family's
    (``"catalog:product"`` for ``"catalog:product:42"``)."""
    covered = set()
    for namespace in namespaces:
        parts = namespace.split(":")
        for end in range(len(parts), 0, -1):
            covered.update(tables_of.get(":".join(parts[:end]), ()))
    return covered


@contextmanager
def audit_pass_one(tables_of: Mapping[str, Iterable[str]]) -> Iterator[None]:
    """Inside the block, a pass one that reads a table no namespace of its page covers raises
    ``UncoveredRead``. ``tables_of`` maps a namespace, or the prefix of a family of them, to
    the tables whose changes bump it."""
    render = TwoPassCacheMixin.render_pass_one

    def audited_render(view: TwoPassCacheMixin, *args: Any, **kwargs: Any) -> Any:
        reads = _PassOneReads(namespaces=set(view.page_namespaces()))
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(reads))
            page = render(view, *args, **kwargs)
        uncovered = reads.tables - covered_tables(reads.namespaces, tables_of)
        if uncovered:
            raise UncoveredRead(
                f"Pass one of {type(view).__name__} read {sorted(uncovered)}, which none of its "
                f"namespaces {sorted(reads.namespaces)} covers: an edit there would leave the "
                "page stale until PAGE_TTL. Make the page depend on a namespace that is bumped "
                "when that table changes, and declare it."
            )
        return page

    TwoPassCacheMixin.render_pass_one = audited_render
    try:
        yield
    finally:
        TwoPassCacheMixin.render_pass_one = render

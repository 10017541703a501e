"""
What a statement that outlives its deadline costs: the error, and who may run long statements.

Every statement on the failover backend waits for its node at most REPLICA_DEADLINE or
PRIMARY_DEADLINE seconds (``backends/failover/bounded.py``). Then a new connection tells a hung
node, which is abandoned wherever the statement runs, from a slow statement, which depends on
where it runs:

- in a request (``DeadlineMiddleware``), it is cancelled and ``QueryDeadlineExceeded`` raised: a
  shopper gets a clear answer in about a second instead of a worker held for as long as a lock;
- in a view under one of LONG_STATEMENT_NAMESPACES (the admin), in ``long_statements()``, and
  outside requests (management commands such as ``migrate``, ``seed_catalog``, ``rebuild_cache``)
  it runs on, and the node is asked again at each further deadline.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

from perf.conf import get_config


class QueryDeadlineExceeded(OperationalError):
    """A statement got no answer within its deadline: its node hung (the connection was closed
    and the node marked down) or the statement was too slow (it was cancelled). A read outside a
    transaction has already been retried on the other nodes when this reaches the caller."""


_cancel_slow: ContextVar[bool] = ContextVar("perf_db_cancel_slow", default=False)


def cancels_slow_statements() -> bool:
    """Whether a statement still running at its deadline, on a node that answers, is cancelled."""
    return _cancel_slow.get()


@contextmanager
def _slow_statements_cancelled(cancelled: bool) -> Iterator[None]:
    token = _cancel_slow.set(cancelled)
    try:
        yield
    finally:
        _cancel_slow.reset(token)


def long_statements() -> AbstractContextManager[None]:
    """
    Let slow statements run past their deadline inside this block, or in the decorated view or
    function (``@long_statements()``), as long as their node answers: for reports and exports.
    """
    return _slow_statements_cancelled(False)


def request_deadlines() -> AbstractContextManager[None]:
    """Cancel statements that run past their deadline inside this block, as in a request."""
    return _slow_statements_cancelled(True)


class DeadlineMiddleware:
    """Each request cancels its statements at their deadline, unless its view is in one of
    LONG_STATEMENT_NAMESPACES. Place it above ``SessionMiddleware``: the session's reads are
    the request's too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_deadlines():
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        namespaces = set(request.resolver_match.namespaces)
        if namespaces & set(get_config()["LONG_STATEMENT_NAMESPACES"]):
            # Undone with the rest when __call__ leaves request_deadlines().
            _cancel_slow.set(False)

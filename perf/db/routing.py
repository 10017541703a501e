"""
The routing state of the current request (or task): whether its reads must see the primary.

It lives in ``contextvars``, so each thread and each asyncio task has its own, under WSGI and
ASGI alike. ``PrimaryPinningMiddleware`` opens a fresh ``routing_scope()`` per request; outside
any request (a management command, a test), a write pins the calling context for good, which
errs on the side of fresh reads.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RoutingState:
    # Every read of the scope goes to the primary (a write happened, the browser is pinned, the
    # request is not a safe method, or the view reads the primary only).
    pinned: bool = False
    # A write touched a model that replicas serve: the browser is pinned for a few seconds.
    wrote_replicated: bool = False


_state: ContextVar[RoutingState | None] = ContextVar("perf_db_routing", default=None)
_use_primary: ContextVar[bool] = ContextVar("perf_db_use_primary", default=False)


@contextmanager
def routing_scope(*, pinned: bool = False, inherit: bool = True) -> Iterator[RoutingState]:
    """
    A unit of work with its own read-your-writes state (a request). A scope opened inside a
    pinned one stays pinned, as work started by code that wrote must see that write, unless
    ``inherit`` is False (a test that starts from a clean slate).
    """
    outer = _state.get() if inherit else None
    state = RoutingState(pinned=pinned or (outer is not None and outer.pinned))
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextmanager
def use_primary() -> Iterator[None]:
    """
    Read the primary inside this block, or in the decorated function: for code that must see
    the latest data (``@use_primary()`` on a view, ``with use_primary():`` around a check).
    """
    token = _use_primary.set(True)
    try:
        yield
    finally:
        _use_primary.reset(token)


def reads_primary() -> bool:
    state = _state.get()
    return _use_primary.get() or (state is not None and state.pinned)


def pin(*, replicated_write: bool = False) -> None:
    """Send the rest of the scope's reads to the primary (``replicated_write``: and pin the
    browser too)."""
    state = _state.get()
    if state is None:
        state = RoutingState()
        _state.set(state)
    state.pinned = True
    state.wrote_replicated = state.wrote_replicated or replicated_write

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
    # Why the scope is pinned, as Server-Timing reports it: its first reason.
    reason: str = ""
    # A safe request that began while the primary was known down (read-only mode): its reads go
    # to the replicas, whatever the model, pinned or not, as the primary cannot answer them.
    primary_down: bool = False


_state: ContextVar[RoutingState | None] = ContextVar("perf_db_routing", default=None)
# Why the reads of the block go to the primary ("": they need not).
_use_primary: ContextVar[str] = ContextVar("perf_db_use_primary", default="")


@contextmanager
def routing_scope(
    *,
    pinned: bool = False,
    reason: str = "pinned",
    primary_down: bool = False,
    inherit: bool = True,
) -> Iterator[RoutingState]:
    """
    A unit of work with its own read-your-writes state (a request), ``pinned`` for ``reason``.
    A scope opened inside a pinned one stays pinned, as work started by code that wrote must
    see that write, unless ``inherit`` is False (a test that starts from a clean slate).
    """
    outer = _state.get() if inherit else None
    if outer is not None and outer.pinned:
        pinned, reason = True, outer.reason
    state = RoutingState(pinned=pinned, reason=reason if pinned else "", primary_down=primary_down)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextmanager
def use_primary(reason: str = "use-primary") -> Iterator[None]:
    """
    Read the primary inside this block, or in the decorated function: for code that must see
    the latest data (``@use_primary()`` on a view, ``with use_primary():`` around a check).
    ``reason`` is what Server-Timing reports for those reads.
    """
    token = _use_primary.set(reason)
    try:
        yield
    finally:
        _use_primary.reset(token)


def reads_replicas_only() -> bool:
    """Whether every read of the scope goes to a replica (a safe request while the primary is
    down)."""
    state = _state.get()
    return state is not None and state.primary_down


def reads_primary() -> bool:
    return bool(primary_reason())


def primary_reason() -> str:
    """Why every read here goes to the primary, whatever it reads ("" when none must)."""
    state = _state.get()
    if _use_primary.get() or state is None or not state.pinned:
        return _use_primary.get()
    return state.reason or "pinned"


def pin(*, replicated_write: bool = False, reason: str = "wrote") -> None:
    """Send the rest of the scope's reads to the primary (``replicated_write``: and pin the
    browser too)."""
    state = _state.get()
    if state is None:
        state = RoutingState()
        _state.set(state)
    if not state.pinned:
        state.reason = reason
    state.pinned = True
    state.wrote_replicated = state.wrote_replicated or replicated_write

"""
psycopg as the failover backend hands it to Django (``DatabaseWrapper.Database``): the same module
in every name Django reads (its errors, ``Binary``) except ``connect``, which makes connections
that keep a deadline (``bounded.py``).
"""

from typing import Any

import psycopg

from perf.db.backends.failover.bounded import BoundedConnection

connect = BoundedConnection.connect


def __getattr__(name: str) -> Any:
    return getattr(psycopg, name)

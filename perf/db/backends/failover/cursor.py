"""
Cursor wrappers that retry a failed read on another node (each node at most once).

Django's ORM runs each query through ``CursorWrapper._execute``; the retry lives there, under
the execute wrappers, so ``Server-Timing`` and ``assertNumQueries`` see one query, served by the
node that answered. Whether a failure may be retried is the connection's call
(``FailoverDatabaseWrapper.retry_reason``): only a read, outside any transaction.
"""

import contextlib

from django.db import DatabaseError
from django.db.backends.postgresql.base import CursorDebugWrapper
from django.db.backends.utils import CursorWrapper


class FailoverCursorMixin:
    def _execute(self, sql, params, *ignored_wrapper_args):
        failed_nodes = []
        while True:
            try:
                return super()._execute(sql, params, *ignored_wrapper_args)
            except DatabaseError as error:
                reason = self.db.retry_reason(error, sql, self.cursor)
                failed_nodes.append(self.db.node or self.db.alias)
                if reason is None or not self.db.untried_nodes(failed_nodes):
                    raise
            with contextlib.suppress(Exception):
                self.cursor.close()
            self.cursor = self.db.reconnect_elsewhere(failed_nodes, reason)


class FailoverCursorWrapper(FailoverCursorMixin, CursorWrapper):
    pass


class FailoverCursorDebugWrapper(FailoverCursorMixin, CursorDebugWrapper):
    pass

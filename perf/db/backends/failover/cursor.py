"""
Cursor wrappers that retry a failed read on another node (each node at most once).

Django's ORM runs each query through ``CursorWrapper._execute``; the retry lives there, under
the execute wrappers, so ``Server-Timing`` and ``assertNumQueries`` see one query, served by the
node that answered. Whether a failed statement may move, and where, is the connection's call
(``FailoverDatabaseWrapper.cursor_elsewhere``): only a read, outside any transaction.
"""

from django.db import DatabaseError
from django.db.backends.postgresql.base import CursorDebugWrapper
from django.db.backends.utils import CursorWrapper


class FailoverCursorMixin:
    def _execute(self, sql, params, *ignored_wrapper_args):
        tried: list[str] = []
        while True:
            try:
                return super()._execute(sql, params, *ignored_wrapper_args)
            except DatabaseError as error:
                tried.append(self.db.node or self.db.alias)
                elsewhere = self.db.cursor_elsewhere(error, sql, self.cursor, tried=tried)
                if elsewhere is None:
                    self.db.record_if_lost(error)
                    raise
            self.cursor = elsewhere


class FailoverCursorWrapper(FailoverCursorMixin, CursorWrapper):
    pass


class FailoverCursorDebugWrapper(FailoverCursorMixin, CursorDebugWrapper):
    pass

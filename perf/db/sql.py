"""Telling reads from writes by their SQL, for the retry of failed reads and for Server-Timing."""

import re

_READ = re.compile(r"[\s(]*SELECT\b", re.IGNORECASE)


def is_read(statement: object) -> bool:
    """Whether ``statement`` is a plain SELECT (a compound query opens with a parenthesis). A
    ``WITH`` may hide a write, and a composed statement is not the ORM's read: neither counts."""
    return isinstance(statement, str) and _READ.match(statement) is not None

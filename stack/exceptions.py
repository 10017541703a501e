"""Errors the stack reports to a person: each message says what went wrong and what to do."""


class StackError(Exception):
    """The stack could not do what was asked; the message is meant for the user."""


class PortInUse(StackError):
    """A server could not listen on its port because something else already does."""

"""
The logging configuration of the shop and of its gunicorn: plain lines by default, JSON lines
with ``LOG_FORMAT=json``.

In JSON, a record's ``extra`` fields become keys: perf's events (``perf.db.health.log``) carry
``event``, ``node``, ``error``..., so a log pipeline can filter on ``event="failover"`` without
parsing the message. gunicorn's access log goes through ``AccessJsonFormatter``, which turns
its atoms into keys (method, path, status, duration_ms...). The settings and
``shop/gunicorn.conf.py`` both build their configuration here, so the two streams match.
"""

import logging
from collections.abc import Mapping
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}


def json_formatter(kind: str = "pythonjsonlogger.json.JsonFormatter") -> dict[str, Any]:
    """A dictConfig formatter of JSON lines; ``perf`` (the event fields again, as one dict,
    for tests and handlers in the process) and gunicorn's raw atoms are left out."""
    return {
        "()": kind,
        "fmt": JSON_FIELDS,
        "rename_fields": JSON_RENAMES,
        "reserved_attrs": [*RESERVED_ATTRS, "perf"],
    }


def logging_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    """The shop's LOGGING: every record on stderr, one line each."""
    formatter = json_formatter() if json_lines else {"format": PLAIN_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }


def gunicorn_json_config(*, access_log: bool) -> dict[str, Any]:
    """gunicorn's ``logconfig_dict`` for JSON lines: its error log on stderr, its access log on
    stdout when asked for (``access_log``: gunicorn logs access whenever a dict is given)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": json_formatter(),
            "access": json_formatter("shop.logs.AccessJsonFormatter"),
        },
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO" if access_log else "WARNING",
                "handlers": ["access"],
                "propagate": False,
            },
        },
    }


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access records, whose ``args`` are its atoms, with the atoms as keys."""

    ATOMS = {
        "remote": "h",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "referer": "f",
        "user_agent": "a",
    }

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, Mapping) else {}
        for key, atom in self.ATOMS.items():
            if atom in atoms:
                log_data[key] = atoms[atom]
        if str(log_data.get("status", "")).isdigit():  # "200" from a WSGI status line
            log_data["status"] = int(log_data["status"])

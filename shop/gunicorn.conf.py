"""gunicorn settings for ``make serve`` and the compose ``web`` service.

A worker per core (at least two; ``GUNICORN_WORKERS`` overrides it), each serving one request at a
time: the views are CPU-bound template work and short queries. The workers are gthread workers
with one thread rather than sync workers only to keep connections alive between requests: a sync
worker closes each one, and on a cached page opening and closing connections was a good part of
the work on both ends (a third of Locust's time under ``make bench``; docs/benchmarks.md has the
runs on each kind of worker).

``GUNICORN_ENV_FILE`` names a file of ``NAME=value`` lines given to the workers. Gunicorn reads
this module again on a graceful reload (``kill -HUP``), so a deploy can switch the workers to a
new release's settings without dropping a request (``make deploy-demo`` does).
"""

import multiprocessing
import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = 1
keepalive = 5
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
wsgi_app = "shop.wsgi:application"


def environment_file(path: str) -> list[str]:
    if not path:
        return []
    lines = Path(path).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


raw_env = environment_file(os.environ.get("GUNICORN_ENV_FILE", ""))

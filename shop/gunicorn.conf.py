"""gunicorn settings for ``make serve`` and the compose ``web`` service.

Sync workers: the views are CPU-bound template work and short queries, so a worker per core
(at least two) keeps latency flat; ``GUNICORN_WORKERS`` overrides it.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
wsgi_app = "shop.wsgi:application"

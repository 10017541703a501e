"""gunicorn settings for ``make serve`` and the compose ``web`` service.

A worker per core (at least two; ``GUNICORN_WORKERS`` overrides it), each serving one request at a
time: the views are CPU-bound template work and short queries. The workers are gthread workers
with one thread rather than sync workers only to keep connections alive between requests: a sync
worker closes each one, and on a cached page opening and closing connections was a good part of
the work on both ends (a third of Locust's time under ``make bench``; docs/benchmarks.md has the
runs on each kind of worker).

Metrics: each worker keeps its Prometheus values in files under ``PROMETHEUS_MULTIPROC_DIR``
(``var/prometheus`` unless set), which ``/metrics`` and ``/perf/`` sum; the directory's files are
removed when gunicorn starts, and a worker that exits is marked dead (its live gauges dropped;
its counters stay in the sums). ``LOG_FORMAT=json`` turns gunicorn's error and access logs into
JSON lines like the shop's (docs/observability.md).

``GUNICORN_ENV_FILE`` names a file of ``NAME=value`` lines given to the workers. Gunicorn reads
this module again on a graceful reload (``kill -HUP``), so a deploy can switch the workers to a
new release's settings without dropping a request (``make deploy-demo`` does).
"""

import multiprocessing
import os
from pathlib import Path

from shop.logs import gunicorn_json_config

# Set before anything imports prometheus_client, which reads it once, on import: workers forked
# from a master that imported it first would each count in memory of their own.
metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(__file__).resolve().parent.parent / "var" / "prometheus"),
    )
)

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
if os.environ.get("LOG_FORMAT", "plain") == "json":
    logconfig_dict = gunicorn_json_config(access_log=accesslog is not None)


def on_starting(server) -> None:
    """Start the host's counts from zero: a previous run's files would add to them."""
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for path in metrics_dir.glob("*.db"):
        path.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess  # after PROMETHEUS_MULTIPROC_DIR is set, above

    multiprocess.mark_process_dead(worker.pid)


def environment_file(path: str) -> list[str]:
    if not path:
        return []
    lines = Path(path).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


raw_env = environment_file(os.environ.get("GUNICORN_ENV_FILE", ""))

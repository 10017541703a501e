"""
Every request of a Locust run, one row each, in a gzipped CSV (``--samples-csv``).

Locust keeps aggregates only; the runner cuts a run into phases at the moments it fired its
events, so it needs each request with its completion time. The status and, for a redirect, its
target are kept too: ``make chaos`` counts 503s apart from failures, and the orders shoppers were
shown (a checkout redirects to ``/accounts/orders/<number>/``).
"""

import csv
import gzip
import time

from loadtests import servertiming

FIELDS = (
    "time", "name", "method", "status", "ms", "failed", "reads", "cache", "location", "kinds",
)  # fmt: skip


class SampleRecorder:
    def __init__(self, path: str) -> None:
        # Open for the whole test, closed on quitting: rows are written as requests complete.
        self.file = gzip.open(path, "wt", newline="", compresslevel=1)  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.writer.writerow(FIELDS)

    def record(self, request_type, name, response_time, response, exception, **kwargs) -> None:
        if self.file.closed:
            return
        headers = getattr(response, "headers", None) or {}
        timing = header_text(headers.get("server-timing"))
        reads = servertiming.reads(timing)
        # A request that timed out or never connected has no status: 0.
        status = getattr(response, "status_code", 0) or 0
        self.writer.writerow(
            (
                f"{time.time():.4f}",
                name,
                request_type,
                status,
                f"{response_time:.2f}",
                int(exception is not None),
                " ".join(f"{alias}:{count}" for alias, count in reads.items()),
                header_text(headers.get("x-cache")).lower(),
                header_text(headers.get("location")) if 300 <= status < 400 else "",
                " ".join(
                    f"{node}:{kind}:{reason}={count}"
                    for (node, kind, reason), count in servertiming.kinds(timing).items()
                ),
            )
        )

    def close(self, **kwargs) -> None:
        self.file.close()


def header_text(value) -> str:
    """A header's value; a header sent on several lines is joined as RFC 9110 combines it."""
    if isinstance(value, list):
        return ", ".join(value)
    return value or ""


def start_recording(environment, **kwargs) -> None:
    """Open the samples file as the test starts: its appearance is the runner's time zero."""
    path = environment.parsed_options and environment.parsed_options.samples_csv
    if path:
        recorder = SampleRecorder(path)
        environment.events.request.add_listener(recorder.record)
        environment.events.quitting.add_listener(recorder.close)

"""
Cache-busting reads against the shop, timed: what makes the replicas really serve while a fault
is done to one of them.

A cached page costs no query, so the load asks for pages nobody asked for before: searches for
random pairs of catalog words and category pages filtered by random price bounds. Each worker is
a thread with its own keep-alive session, as a browser has. A request fails when it raises or
answers anything but 200.
"""

import math
import random
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests


@dataclass(frozen=True)
class Sample:
    started: float
    seconds: float
    ok: bool
    url: str
    error: str = ""


@dataclass(frozen=True)
class Summary:
    requests: int
    failed: int
    p99: float
    max: float

    @classmethod
    def of(cls, samples: list[Sample]) -> "Summary":
        times = sorted(sample.seconds for sample in samples)
        # Nearest rank: the smallest time that 99% of the requests did not exceed.
        p99 = times[max(0, math.ceil(len(times) * 0.99) - 1)] if times else 0.0
        failed = sum(not sample.ok for sample in samples)
        return cls(len(times), failed, p99, times[-1] if times else 0.0)


def cache_busting_path(words: list[str], categories: list[str], rng: random.Random) -> str:
    """A search for two random words, or a category page between two random prices (to the
    cent: pages that are almost never asked for twice)."""
    if rng.random() < 0.5:
        return "/search/?" + urlencode({"q": " ".join(rng.sample(words, 2))})
    low = rng.randint(0, 15_000)
    prices = {"min_price": low / 100, "max_price": (low + rng.randint(100, 15_000)) / 100}
    return f"{rng.choice(categories)}?{urlencode({**prices, 'sort': 'price'})}"


class Load:
    """``workers`` threads sending cache-busting reads to ``base_url`` until stopped."""

    def __init__(
        self, base_url: str, *, words: list[str], categories: list[str], workers: int
    ) -> None:
        self.base_url = base_url
        self.words = words
        self.categories = categories
        self.workers = workers
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "Load":
        for number in range(self.workers):
            thread = threading.Thread(target=self._work, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _work(self, number: int) -> None:
        rng = random.Random(number)
        with requests.Session() as session:
            while not self._stop.is_set():
                path = cache_busting_path(self.words, self.categories, rng)
                self._record(session, self.base_url + path)

    def _record(self, session: requests.Session, url: str) -> None:
        started = time.monotonic()
        error = ""
        try:
            response = session.get(url, timeout=30)
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
        except requests.RequestException as exception:
            error = f"{type(exception).__name__}: {exception}"
        sample = Sample(started, time.monotonic() - started, not error, url, error)
        with self._lock:
            self.samples.append(sample)

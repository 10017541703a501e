"""
``python manage.py rebuild_cache``: refill the whole cache, the data level first, then the pages.

Pages are rendered from the data level, so once it is full a page costs no database query;
rendering them one by one from the database instead (``--without-data-cache``, the naive way) is
what the benchmark in docs/multi-level-cache.md compares it with. ``--workers N`` renders the pages
in N processes (``perf.twopass.workers``).
"""

import json
import time
from collections.abc import Iterator
from concurrent.futures import as_completed
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from perf.cache import CacheUnavailable, data_cache, data_cache_off, generations
from perf.cache.rebuild import CacheRebuilder, count_queries, rebuilders
from perf.conf import get_config
from perf.twopass.mixin import ALL_PAGES
from perf.twopass.workers import cache_is_shared, pool, render_batch, render_batch_in_worker


class Command(BaseCommand):
    help = "Rebuild the data cache, then render every listed page into the page cache."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="The site's public scheme and host, part of every page key "
            "(default: %(default)s, what `make serve` answers on).",
        )
        parser.add_argument(
            "--without-data-cache",
            action="store_true",
            help="The naive way, for comparison: skip the data level and render every page "
            "from the database.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Render the pages in this many processes (default: %(default)s, this one); "
            "one per core makes the most of the machine.",
        )
        parser.add_argument(
            "--json", dest="json_path", type=Path, help="Also write the summary to this file."
        )

    def handle(
        self,
        *args,
        base_url: str,
        without_data_cache: bool,
        workers: int,
        json_path: Path | None,
        **options,
    ) -> None:
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if workers > 1 and not cache_is_shared():
            raise CommandError(
                "--workers needs a cache shared between processes (Redis): with a local-memory "
                "cache, the pages a worker renders stay in that worker. Leave --workers out."
            )
        if not get_config()["PAGE_CACHE"]:
            self.stderr.write("The page cache is off (PERF_PAGE_CACHE=0): nothing to rebuild.")
            return
        summary = {"method": "naive" if without_data_cache else "multi-level", "workers": workers}
        if without_data_cache:
            with data_cache_off():
                summary["pages"] = self.rebuild_pages(base_url, workers)
        else:
            summary["data"] = self.rebuild_data()
            summary["pages"] = self.rebuild_pages(base_url, workers)
        phases = [summary[phase] for phase in ("data", "pages") if phase in summary]
        summary["seconds"] = round(sum(phase["seconds"] for phase in phases), 2)
        summary["queries"] = sum(phase["queries"] for phase in phases)
        pages = summary["pages"]["items"]
        summary["queries_per_page"] = round(summary["queries"] / pages, 4) if pages else None
        summary["seconds_per_page"] = round(summary["seconds"] / pages, 5) if pages else None
        self.stdout.write(
            f"{summary['method']}: {summary['seconds']} s, {summary['queries']} queries, "
            f"{summary['queries_per_page']} queries per page"
        )
        if json_path:
            json_path.write_text(json.dumps(summary, indent=2) + "\n")

    def rebuild_data(self) -> dict:
        if not data_cache().enabled:
            self.stderr.write("The data cache is off (PERF_DATA_CACHE=0): skipping the data level.")
            return {"items": 0, "seconds": 0.0, "queries": 0}
        items = 0
        started = time.perf_counter()
        with count_queries() as queries:
            for rebuilder in rebuilders():
                with tqdm(total=rebuilder.data_count(), desc=f"data: {rebuilder.name}") as bar:
                    for done in rebuilder.rebuild_data():
                        bar.update(done)
                        items += done
        return self.report("Data level", items, time.perf_counter() - started, queries.count)

    def rebuild_pages(self, base_url: str, worker_count: int) -> dict:
        generations().bump_now(ALL_PAGES)
        pages = batch_queries = 0
        started = time.perf_counter()
        with count_queries() as counter:
            for index, rebuilder in enumerate(rebuilders()):
                with tqdm(total=rebuilder.page_count(), desc=f"pages: {rebuilder.name}") as bar:
                    for done, (cached, queries) in self.render_pages(
                        index, rebuilder, base_url, worker_count
                    ):
                        bar.update(done)
                        pages += cached
                        batch_queries += queries
        # ``counter`` saw the queries of this process, batches rendered here included; not the
        # workers'.
        queries = counter.count + (batch_queries if worker_count > 1 else 0)
        return self.report("Pages", pages, time.perf_counter() - started, queries)

    def render_pages(
        self, index: int, rebuilder: CacheRebuilder, base_url: str, worker_count: int
    ) -> Iterator[tuple[int, tuple[int, int]]]:
        """For each batch rendered: its size, then how many pages were cached in how many
        queries."""
        try:
            if worker_count == 1:
                for paths in rebuilder.page_batches():
                    yield len(paths), render_batch(rebuilder, paths, base_url=base_url)
                return
            # Listed first: the workers are forked at the first submit, and no query may open a
            # connection between the pool closing them and the fork.
            batches = list(rebuilder.page_batches())
            with pool(worker_count) as processes:
                futures = {
                    processes.submit(render_batch_in_worker, index, paths, base_url): len(paths)
                    for paths in batches
                }
                for future in as_completed(futures):
                    yield futures[future], future.result()
        except CacheUnavailable as error:
            raise CommandError(f"The page cache is unavailable: {error}") from error

    def report(self, phase: str, items: int, seconds: float, queries: int) -> dict:
        self.stdout.write(f"{phase}: {items} items in {seconds:.2f} s, {queries} database queries")
        return {"items": items, "seconds": round(seconds, 2), "queries": queries}

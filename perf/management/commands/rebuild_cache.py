"""
``python manage.py rebuild_cache``: refill the whole cache, the data level first, then the pages.

Pages are rendered from the data level, so once it is full a page costs no database query;
rendering them one by one from the database instead (``--without-data-cache``, the naive way) is
what the benchmark in docs/multi-level-cache.md compares it with.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from perf.cache import CacheUnavailable, data_cache, data_cache_off, generations
from perf.cache.rebuild import CacheRebuilder, count_queries, rebuilders
from perf.conf import get_config
from perf.twopass.mixin import ALL_PAGES
from perf.twopass.prerender import prerender_many


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
            "--json", dest="json_path", type=Path, help="Also write the summary to this file."
        )

    def handle(
        self, *args, base_url: str, without_data_cache: bool, json_path: Path | None, **options
    ) -> None:
        if not get_config()["PAGE_CACHE"]:
            self.stderr.write("The page cache is off (PERF_PAGE_CACHE=0): nothing to rebuild.")
            return
        summary = {"method": "naive" if without_data_cache else "multi-level"}
        if without_data_cache:
            with data_cache_off():
                summary["pages"] = self.rebuild_pages(base_url)
        else:
            summary["data"] = self.rebuild_data()
            summary["pages"] = self.rebuild_pages(base_url)
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

    def rebuild_pages(self, base_url: str) -> dict:
        generations().bump_now(ALL_PAGES)
        pages = 0
        started = time.perf_counter()
        with count_queries() as queries:
            for rebuilder in rebuilders():
                with tqdm(total=rebuilder.page_count(), desc=f"pages: {rebuilder.name}") as bar:
                    pages += self.render_pages(rebuilder, base_url, bar)
        return self.report("Pages", pages, time.perf_counter() - started, queries.count)

    def render_pages(self, rebuilder: CacheRebuilder, base_url: str, bar: tqdm) -> int:
        batches = rebuilder.page_batches()
        pages = 0
        while True:
            # The snapshot is open while the rebuilder reads the batch's data, then renders it.
            with generations().snapshot():
                paths = next(batches, None)
                if paths is None:
                    return pages
                try:
                    pages += prerender_many(paths, base_url=base_url)
                except CacheUnavailable as error:
                    raise CommandError(f"The page cache is unavailable: {error}") from error
            bar.update(len(paths))

    def report(self, phase: str, items: int, seconds: float, queries: int) -> dict:
        self.stdout.write(f"{phase}: {items} items in {seconds:.2f} s, {queries} database queries")
        return {"items": items, "seconds": round(seconds, 2), "queries": queries}

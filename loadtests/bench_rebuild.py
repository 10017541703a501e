"""
``make bench-rebuild``: rebuild the whole cache of a 10,000-product shop two ways, in one run
(docs/multi-level-cache.md).

    python -m loadtests.bench_rebuild [--products 10000]

- ``multi-level``: ``manage.py rebuild_cache --workers N`` (N: the machine's cores): the data level
  first, in batches, then every page (home, each category, each product) rendered from it, in N
  worker processes.
- ``multi-level, 1 process``: the same in one process, to show what the workers add.
- ``naive``: ``manage.py rebuild_cache --without-data-cache``: every page rendered from the
  database, one by one, in one process.

Both start from empty caches on the same freshly seeded database. It prints a table and writes
``loadtests/results/rebuild.json``.
"""

import argparse
import json
import os
import tempfile
from pathlib import Path

from loadtests.inprocess import say, shop_on_throwaway_stack

RESULTS = Path(__file__).resolve().parent / "results" / "rebuild.json"
CORES = os.cpu_count() or 1
#: method -> (--without-data-cache, --workers)
METHODS = {"multi-level": (False, CORES), "multi-level, 1 process": (False, 1), "naive": (True, 1)}
GOAL_SPEEDUP = 10


def rebuild(*, naive: bool, workers: int) -> dict:
    from django.core.cache import caches
    from django.core.management import call_command

    from perf.cache import reset_caches

    for cache in caches.all():
        cache.clear()
    reset_caches()
    with tempfile.TemporaryDirectory() as directory:
        summary = Path(directory) / "summary.json"
        call_command("rebuild_cache", without_data_cache=naive, workers=workers, json_path=summary)
        return json.loads(summary.read_text())


def report(results: dict[str, dict]) -> str:
    lines = [
        f"{'method':<24} {'pages':>7} {'seconds':>9} {'ms/page':>8} {'queries':>8} {'q/page':>8}",
        "-" * 69,
    ]
    for method, summary in results.items():
        lines.append(
            f"{method:<24} {summary['pages']['items']:>7,} {summary['seconds']:>9.1f} "
            f"{summary['seconds_per_page'] * 1000:>8.2f} {summary['queries']:>8,} "
            f"{summary['queries_per_page']:>8.3f}"
        )
    speedup = results["naive"]["seconds"] / results["multi-level"]["seconds"]
    per_page = results["multi-level"]["queries_per_page"]
    met = _verdict(speedup >= GOAL_SPEEDUP)
    lines.append(f"goal multi-level >= {GOAL_SPEEDUP}x faster: {speedup:.1f}x ({met})")
    lines.append(f"goal <= 0.1 query per page: {per_page:.3f} ({_verdict(per_page <= 0.1)})")
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_rebuild", description=__doc__)
    parser.add_argument("--products", type=int, default=10_000, help="catalog size to seed")
    arguments = parser.parse_args(argv)
    with shop_on_throwaway_stack(products=arguments.products):
        results = {}
        for method, (naive, workers) in METHODS.items():
            say(f"Rebuilding the whole cache, {method}...")
            results[method] = rebuild(naive=naive, workers=workers)
    print(report(results))
    results["speedup"] = round(results["naive"]["seconds"] / results["multi-level"]["seconds"], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"products": arguments.products, **results}, indent=2) + "\n")
    say(f"Wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""
``make bench-views``: requests per second of the product page served five ways, in-process, in
one run (docs/two-pass-caching.md).

    python -m loadtests.bench_views [--seconds 5] [--rounds 3] [--products 2000]

- ``hello``: a view returning "Hello, world": the ceiling of the framework itself.
- ``uncached``: the product page rendered from the database (both perf caches off).
- ``cache_page``: the product page under Django's ``cache_page``: not personalised, the upper
  bound a cached page can reach.
- ``fragment``: the page as a Django developer caches it with ``{% cache %}``: the product read,
  the rest lazy, evaluated inside the navigation's and the body's fragments (``bench_fragment``).
- ``twopass_hit``: the two-pass page on a cache hit, holes filled for the visitor.

Two more rows, not in the JSON: the two-pass hit of a signed-in visitor with a cart, and the
anonymous hit with ``GENERATION_TRACKING`` off (generations read from Redis on every hit).

The rounds are interleaved (every variant once per round) and each variant's median is kept, so
the ratios come from the same conditions. Django's test client drives the full middleware stack,
as an anonymous visitor who already holds a CSRF cookie. It prints a table and writes
``loadtests/results/views.json``.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from loadtests.inprocess import say, shop_on_throwaway_stack

RESULTS = Path(__file__).resolve().parent / "results" / "views.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
WARM_UP = 20
JSON_VARIANTS = ("hello", "uncached", "cache_page", "fragment", "twopass_hit")
#: (variant, baseline, least ratio): every goal a ratio within one run.
GOALS = (
    ("twopass_hit", "cache_page", 1.2),
    ("twopass_hit", "hello", 0.5),
    ("twopass_hit_signed_in", "twopass_hit", 0.7),
    ("uncached", "hello", 0.054),
    ("twopass_hit", "uncached", 10.0),
)
LABELS = {
    "hello": "hello-world view",
    "uncached": "product page, uncached",
    "cache_page": "product page, cache_page (not personalised)",
    "fragment": "product page, {% cache %} fragment",
    "twopass_hit": "product page, two-pass hit",
    "twopass_hit_signed_in": "  (two-pass hit, signed in, 2 items in the cart)",
    "twopass_hit_untracked": "  (two-pass hit, tracking off: an MGET per hit)",
}


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_views", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--products", type=int, default=2000, help="catalog size to seed")
    return parser


def variants(slug: str) -> dict[str, tuple[str, dict]]:
    """Each variant's path and the PERF options it runs with."""
    stock_django = {"PAGE_CACHE": False, "DATA_CACHE": False}
    return {
        "hello": ("/bench/hello/", {}),
        "uncached": (f"/p/{slug}/", stock_django),
        "cache_page": (f"/bench/cache-page/p/{slug}/", stock_django),
        "fragment": (f"/bench/fragment/p/{slug}/", stock_django),
        "twopass_hit": (f"/p/{slug}/", {}),
        "twopass_hit_signed_in": (f"/p/{slug}/", {}),
        "twopass_hit_untracked": (f"/p/{slug}/", {"GENERATION_TRACKING": False}),
    }


def rate(client, path: str, seconds: float) -> float:
    for _ in range(WARM_UP):  # caches, connections, the L1
        client.get(path)
    requests = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        response = client.get(path)
        requests += 1
    assert response.status_code == 200, (path, response.status_code)
    return requests / elapsed


def run(arguments: argparse.Namespace) -> dict[str, float]:
    from django.conf import settings
    from django.test import Client, override_settings

    from catalog.models import Product

    product = (
        Product.objects.filter(is_active=True, variants__stock__gt=5)
        .order_by("pk")
        .distinct()
        .first()
    )
    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]
    clients = {name: Client() for name in variants(product.slug)}
    signed_in = clients["twopass_hit_signed_in"]
    signed_in.force_login(_shopper())
    samples: dict[str, list[float]] = {name: [] for name in clients}
    with override_settings(ROOT_URLCONF="loadtests.bench_urls", TEMPLATES=templates):
        signed_in.post("/cart/add/", {"variant": product.variants.first().pk, "quantity": 2})
        for round_number in range(1, arguments.rounds + 1):
            for name, (path, perf) in variants(product.slug).items():
                with override_settings(PERF={**settings.PERF, **perf}):
                    samples[name].append(rate(clients[name], path, arguments.seconds))
                    if name.startswith("twopass"):
                        assert clients[name].get(path)["X-Cache"] == "hit"
            say(f"round {round_number}/{arguments.rounds} done")
    return {name: round(statistics.median(values), 1) for name, values in samples.items()}


def _shopper():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-views", defaults={"first_name": "Robin"}
    )
    return user


def report(rates: dict[str, float]) -> str:
    lines = [f"{'variant':<52} {'req/s':>9} {'x uncached':>11}", "-" * 74]
    for name, value in rates.items():
        lines.append(f"{LABELS[name]:<52} {value:>9,.0f} {value / rates['uncached']:>10.1f}x")
    for name, baseline, goal in GOALS:
        ratio = rates[name] / rates[baseline]
        verdict = "met" if ratio >= goal else "NOT met"
        lines.append(f"goal {name} >= {goal}x {baseline}: {ratio:.3f}x ({verdict})")
    return "\n".join(lines)


def views_json(rates: dict[str, float]) -> dict:
    """What ``views.json`` holds, for scripts: ``{"views": {variant: requests per second}}``."""
    return {"views": {name: rates[name] for name in JSON_VARIANTS}}


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    with shop_on_throwaway_stack(products=arguments.products):
        rates = run(arguments)
    print(report(rates))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(views_json(rates), indent=2) + "\n")
    say(f"Wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

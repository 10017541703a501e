"""The parts of make compose-test that need no container: what the load asks for, how its
times are summed up, which images are built, which Compose runs."""

import random
from urllib.parse import parse_qs, urlsplit

from stack.compose.images import images
from stack.compose.load import Sample, Summary, cache_busting_path
from stack.compose.project import compose_command
from stack.compose.report import fault_table


def sample(seconds: float, ok: bool = True) -> Sample:
    return Sample(started=0.0, seconds=seconds, ok=ok, url="/")


def test_p99_is_the_nearest_rank_and_failures_are_counted():
    samples = [sample(n / 1000) for n in range(1, 201)] + [sample(5.0, ok=False)]

    summary = Summary.of(samples)

    assert summary == Summary(requests=201, failed=1, p99=0.199, max=5.0)


def test_no_requests_sum_up_to_zeros():
    assert Summary.of([]) == Summary(requests=0, failed=0, p99=0.0, max=0.0)


def test_the_load_asks_for_searches_and_price_filtered_category_pages_seldom_twice():
    rng = random.Random(1)
    words, categories = ["wool", "canvas", "boot", "cap"], ["/c/clothing/", "/c/footwear/"]

    paths = [cache_busting_path(words, categories, rng) for _ in range(1000)]

    searches = [urlsplit(path) for path in paths if path.startswith("/search/")]
    filtered = [urlsplit(path) for path in paths if not path.startswith("/search/")]
    assert 400 < len(searches) < 600
    assert all(len(parse_qs(url.query)["q"][0].split()) == 2 for url in searches)
    for url in filtered:
        query = parse_qs(url.query)
        assert url.path in categories
        assert float(query["min_price"][0]) < float(query["max_price"][0])
    assert len({url.query for url in filtered}) > 0.95 * len(filtered)


def test_an_image_several_services_share_is_built_once():
    config = {
        "services": {
            "db-primary": {"image": "shop-postgres", "build": {"context": "/x/docker/postgres"}},
            "db-replica1": {"image": "shop-postgres", "build": {"context": "/x/docker/postgres"}},
            "web": {"image": "shop-web", "build": {"context": "/x", "target": "web"}},
            "elsewhere": {"image": "pulled:1"},
        }
    }

    assert images(config) == {
        "shop-postgres": {"context": "/x/docker/postgres"},
        "shop-web": {"context": "/x", "target": "web"},
    }


def test_compose_names_the_command_to_use(monkeypatch):
    monkeypatch.setenv("COMPOSE", "podman-compose --verbose")

    assert compose_command() == ["podman-compose", "--verbose"]


def test_the_fault_table_is_markdown_with_one_row_per_fault():
    rows = [("stop, then start", Summary(1455, 0, 0.772, 1.0594))]

    assert fault_table(rows) == [
        "| fault            | requests | failed |    p99 |     max |",
        "| ---------------- | -------: | -----: | -----: | ------: |",
        "| stop, then start |     1455 |      0 | 772 ms | 1059 ms |",
    ]

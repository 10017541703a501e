import pytest

from perf.db import health
from perf.db.lag import monitor

TOKEN = "scrape-me"


@pytest.fixture
def scrape(client, settings):
    """``scrape()``: ``/metrics`` as a Prometheus scraper with the configured token reads it,
    parsed into ``{(name, frozenset(labels.items())): value}``."""
    from prometheus_client.parser import text_string_to_metric_families

    settings.PERF = {**settings.PERF, "METRICS_TOKEN": TOKEN}

    def read() -> dict[tuple[str, frozenset], float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples
        }

    return read


@pytest.fixture
def nodes_by_hand(settings):
    """Two replicas configured, every node up, and no lag monitor measuring meanwhile."""
    settings.PERF = {**settings.PERF, "REPLICAS": ["replica1", "replica2"]}
    health.reset()
    with monitor.paused():
        yield
    health.reset()

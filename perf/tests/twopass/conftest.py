import copy
from pathlib import Path

import pytest

from perf.tests.twopass import views


@pytest.fixture(autouse=True)
def twopass_site(settings):
    """The test views' URLs and templates, and a per-user context processor like the mini-cart."""
    settings.ROOT_URLCONF = "perf.tests.twopass.urls"
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [Path(__file__).parent / "templates", *templates[0]["DIRS"]]
    templates[0]["OPTIONS"]["context_processors"].append("perf.tests.twopass.views.basket")
    settings.TEMPLATES = templates
    views.CATALOG["item"] = "Blue kettle"


@pytest.fixture(autouse=True)
def _invalidation_graph_audited() -> None:
    """perf's test pages are not the shop's: test_audit audits them with mappings of its own."""

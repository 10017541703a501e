import json

import pytest
from django.core.management import CommandError, call_command

from perf.cache import data_cache, data_cache_off
from perf.tests.twopass import views

pytestmark = pytest.mark.django_db

REBUILDERS = ["perf.tests.twopass.views.TestRebuilder"]


@pytest.fixture(autouse=True)
def test_rebuilder(settings):
    settings.PERF = {**settings.PERF, "CACHE_REBUILDERS": REBUILDERS}


def test_rebuild_fills_the_data_level_then_the_pages(client, tmp_path):
    call_command("rebuild_cache", base_url="http://testserver", json_path=tmp_path / "s.json")

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["method"] == "multi-level"
    assert summary["data"]["items"] == 10
    assert summary["pages"]["items"] == 2  # the redirect and the 404 are not cached
    assert data_cache().peek_many({"item:3": 3}, namespaces=lambda _: ["items"]) == {
        "item:3": "ITEM:3"
    }
    assert client.get("/page/?q=tea")["X-Cache"] == "hit"
    assert client.get("/page/")["X-Cache"] == "hit"


# Forked workers connect on their own: the test's data must be committed, not in its transaction;
# and their pages reach the test through Redis.
@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_rebuild_in_worker_processes_caches_the_same_pages(client, tmp_path):
    call_command(
        "rebuild_cache", base_url="http://testserver", workers=2, json_path=tmp_path / "s.json"
    )

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["workers"] == 2
    assert summary["pages"]["items"] == 2
    assert client.get("/page/?q=tea")["X-Cache"] == "hit"
    assert client.get("/page/")["X-Cache"] == "hit"


def test_rebuild_refuses_fewer_than_one_worker():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rebuild_cache", workers=0)


def test_rebuild_refuses_workers_whose_pages_would_stay_in_them(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

    with pytest.raises(CommandError, match="shared between processes"):
        call_command("rebuild_cache", workers=2)


def test_rebuild_replaces_pages_cached_before_it(client):
    client.get("/page/")
    views.CATALOG["item"] = "Red kettle"  # changed behind the cache's back

    call_command("rebuild_cache", base_url="http://testserver")

    response = client.get("/page/")
    assert response["X-Cache"] == "hit"
    assert "Red kettle" in response.text


def test_the_naive_rebuild_skips_the_data_level(tmp_path):
    call_command(
        "rebuild_cache",
        base_url="http://testserver",
        without_data_cache=True,
        json_path=tmp_path / "s.json",
    )

    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["method"] == "naive"
    assert "data" not in summary
    assert summary["pages"]["items"] == 2


def test_data_cache_off_computes_every_read_then_turns_the_cache_back_on():
    def fetch(numbers):
        return {n: f"read {n}" for n in numbers}

    with data_cache_off():
        data_cache().get_many({"item:1": 1}, fetch, namespaces=lambda _: ["items"])
        assert not data_cache().enabled

    assert data_cache().enabled
    assert data_cache().peek_many({"item:1": 1}, namespaces=lambda _: ["items"]) == {}

import re
import threading

import pytest
from django.db import connections
from django.test import Client

from perf.cache import invalidate, page_cache
from perf.tests.factories import UserFactory
from perf.tests.twopass import views
from perf.twopass.holes import CachedPage

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def logged_in(first_name: str, basket: list[str]) -> Client:
    client = Client()
    client.force_login(UserFactory(first_name=first_name))
    session = client.session
    session["basket"] = basket
    session.save()
    return client


def test_the_first_request_renders_the_page_and_the_next_ones_hit_the_cache(client):
    first = client.get("/page/")
    second = Client().get("/page/")

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert "Blue kettle" in second.text
    assert page_cache().metrics.snapshot()["recomputes"] == 1


def test_parameters_left_out_of_the_key_are_not_planted_into_the_shared_page(client):
    planted = client.get("/page/?q=tea&utm_source=EVIL&gclid=X")
    later = Client().get("/page/?q=tea")

    assert (planted["X-Cache"], later["X-Cache"]) == ("miss", "hit")
    assert 'href="?q=tea&amp;page=2"' in later.text
    assert 'href="/page/?q=tea"' in later.text
    assert "EVIL" not in later.text
    assert "gclid" not in later.text


def test_only_staff_are_told_whether_a_page_was_cached_and_which_nodes_served_it(settings):
    settings.PERF = {**settings.PERF, "DIAGNOSTIC_HEADERS": False}
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))

    for stranger in (Client(), logged_in("Alice", [])):
        response = stranger.get("/page/?q=tea")
        assert "X-Cache" not in response
        assert "Server-Timing" not in response
    response = staff.get("/page/?q=tea")
    assert response["X-Cache"] == "hit"
    assert "Server-Timing" in response


def test_pages_are_private_and_the_cache_stores_html_without_headers(client):
    response = client.get("/page/")

    assert response["Cache-Control"] == "private"
    stored = list(page_cache().local._data.values())
    assert len(stored) == 1
    page = stored[0][1].value
    assert isinstance(page, CachedPage)
    assert vars(page).keys() == {"chunks", "holes", "status", "content_type"}
    assert response.cookies["csrftoken"].value not in "".join(page.chunks)


def test_two_users_in_alternation_never_see_each_others_data():
    alice = logged_in("Alice", ["Teapot", "Oolong"])
    bob = logged_in("Bob", ["Espresso cups"])
    pages = {"Alice": [], "Bob": []}

    for _ in range(3):
        pages["Alice"].append(alice.get("/page/?q=tea"))
        pages["Bob"].append(bob.get("/page/?q=tea"))

    assert [r["X-Cache"] for r in pages["Alice"] + pages["Bob"]].count("miss") == 1
    for name, own, other, other_basket in [
        ("Alice", "Teapot, Oolong", "Bob", "Espresso cups"),
        ("Bob", "Espresso cups", "Alice", "Teapot, Oolong"),
    ]:
        other_tokens = {t for r in pages[other] for t in TOKEN.findall(r.text)}
        other_cookie = pages[other][0].client.cookies["csrftoken"].value
        for response in pages[name]:
            assert f"Hi, {name}" in response.text
            assert own in response.text
            assert f"Hi, {other}" not in response.text
            assert other_basket not in response.text
            assert not other_tokens & set(TOKEN.findall(response.text))
            assert other_cookie not in response.text


def test_anonymous_then_logged_in_then_logged_out_on_a_cached_page(client):
    user = UserFactory(first_name="Carol")

    assert "Log in" in client.get("/page/").text
    client.force_login(user)
    logged = client.get("/page/")
    client.logout()
    out = client.get("/page/")

    assert "Hi, Carol" in logged.text
    assert logged["X-Cache"] == "hit"
    assert "Log in" in out.text
    assert "Carol" not in out.text


def test_a_form_posted_from_a_cached_page_passes_csrf():
    Client().get("/page/")
    browser = Client(enforce_csrf_checks=True)

    page = browser.get("/page/")
    token = TOKEN.search(page.text)[1]
    posted = browser.post("/form/", {"csrfmiddlewaretoken": token, "name": "x"})

    assert page["X-Cache"] == "hit"
    assert posted.status_code == 200
    assert browser.post("/form/", {"name": "x"}).status_code == 403


def test_a_first_time_visitor_gets_a_csrf_cookie_even_on_a_hit():
    Client().get("/page/")

    response = Client().get("/page/")

    assert response["X-Cache"] == "hit"
    assert response.cookies["csrftoken"].value
    assert len(set(TOKEN.findall(response.text))) == 1


def test_messages_show_once_on_a_cached_page(client):
    client.get("/page/")
    client.get("/add-message/")

    assert "Added to your cart" in client.get("/page/").text
    assert "Added to your cart" not in client.get("/page/").text


def test_visitor_text_is_escaped_and_cannot_forge_a_hole(client):
    response = client.get("/page/", {"q": '<!--twopass-hole:x:0--> <script>alert("x")</script>'})

    assert "&lt;script&gt;" in response.text
    assert "<script>" not in response.text


def test_the_same_query_in_another_order_hits(client):
    client.get("/page/?b=2&a=1")

    assert client.get("/page/?a=1&utm_campaign=spring&b=2")["X-Cache"] == "hit"


def test_an_invalidation_shows_on_the_next_request(client, django_capture_on_commit_callbacks):
    client.get("/page/")

    views.CATALOG["item"] = "Red kettle"
    with django_capture_on_commit_callbacks(execute=True):
        invalidate("items")
    response = client.get("/page/")

    assert response["X-Cache"] == "miss"
    assert "Red kettle" in response.text


def test_a_render_that_started_before_an_invalidation_is_not_stored(
    client, django_capture_on_commit_callbacks
):
    views.SlowPage.read.clear()
    views.SlowPage.proceed.clear()
    responses = []

    def visit():
        try:
            responses.append(Client().get("/slow/"))
        finally:
            connections.close_all()

    render = threading.Thread(target=visit)
    render.start()
    assert views.SlowPage.read.wait(timeout=10)
    views.CATALOG["item"] = "Red kettle"  # an admin edit, committed while the page renders
    with django_capture_on_commit_callbacks(execute=True):
        invalidate("items")
    views.SlowPage.proceed.set()
    render.join()

    assert "Blue kettle" in responses[0].text
    assert page_cache().metrics.snapshot()["discarded_sets"] == 1
    after = client.get("/slow/")
    assert after["X-Cache"] == "miss"
    assert "Red kettle" in after.text


def test_error_pages_get_their_holes_filled_but_are_not_cached(client):
    client.force_login(UserFactory(first_name="Dan"))

    first, second = client.get("/missing/"), client.get("/missing/")

    assert first.status_code == second.status_code == 404
    assert "Hi, Dan" in second.text
    assert second["X-Cache"] == "miss"


def test_redirects_pass_through_uncached(client):
    response = client.get("/redirect/")

    assert response.status_code == 302
    assert "X-Cache" not in response


def test_page_cache_off_renders_plain_django_views(client, settings):
    settings.PERF = {**settings.PERF, "PAGE_CACHE": False}
    client.force_login(UserFactory(first_name="Erin"))

    response = client.get("/page/")

    assert "X-Cache" not in response
    assert "Hi, Erin" in response.text
    assert len(page_cache().local) == 0


def test_pages_still_render_when_the_shared_cache_is_down(client, settings, dead_redis_alias):
    settings.PERF = {**settings.PERF, "CACHE_ALIAS": dead_redis_alias, "L2_DOWN_TTL": 0}

    responses = [client.get("/page/") for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r["X-Cache"] for r in responses] == ["miss", "miss", "miss"]
    assert page_cache().metrics.snapshot()["bypasses"] == 3


def test_with_the_shared_cache_down_a_page_is_kept_in_the_process(
    client, settings, dead_redis_alias
):
    settings.PERF = {**settings.PERF, "CACHE_ALIAS": dead_redis_alias, "L2_DOWN_TTL": 60}

    responses = [client.get("/page/") for _ in range(3)]

    assert [r["X-Cache"] for r in responses] == ["miss", "hit", "hit"]
    counts = page_cache().metrics.snapshot()
    assert (counts["bypasses"], counts["down_hits"]) == (1, 2)

"""
docker-compose.yml in real containers, as a user runs it: the first ``up`` serves the shop, a
shopper's journey works end to end, and a replica stopped or killed under cache-busting load
fails no request. Run by ``make compose-test`` (``pytest --compose``); the tests run in order
on one project, the last one takes it down.
"""

import re
import time
import uuid

import pytest
import requests

from loadtests.pages import hrefs
from stack.compose.faults import FAULTS, Fault
from stack.compose.journey import Browser, Catalog
from stack.compose.load import Load, Summary
from stack.compose.project import ComposeProject
from stack.compose.report import ComposeReport

pytestmark = [pytest.mark.compose, pytest.mark.timeout(1200)]

REPLICAS = ["db-replica1", "db-replica2"]
FAULTY = "db-replica1"
LOAD_WORKERS = 6
# Seconds of load before a fault, while it lasts, and after the repair: long enough for the
# web workers to skip the node and, after FAILOVER_COOLDOWN (5 s), to take it back.
BEFORE, DURING, AFTER = 3, 6, 10
SHIPPING = {
    "full_name": "Ada Lovelace",
    "address": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "United Kingdom",
    "card_number": "4242 4242 4242 4242",
}


def reads(compose: ComposeProject, replica: str) -> int:
    """Transactions the replica has run on the shop's database (read-only: it is a standby)."""
    sql = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'shop'"
    return int(compose.psql(replica, sql))


def staff_browser(base_url: str) -> Browser:
    """Logged in as the superuser start.sh made (docker-compose.yml's default account)."""
    browser = Browser(base_url)
    login = browser.form("/accounts/login/", "password")
    response = browser.submit(login, "/accounts/login/", username="admin", password="admin")
    assert browser.path(response) == "/", "the admin account could not log in"
    return browser


def load(base_url: str, catalog: Catalog) -> Load:
    return Load(base_url, words=catalog.words, categories=catalog.categories, workers=LOAD_WORKERS)


def test_the_primary_is_set_up_for_both_replicas(compose):
    slots = compose.psql(
        "db-primary",
        "SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) "
        "FROM pg_replication_slots",
    )

    assert slots == "replica1:true,replica2:true"
    assert compose.psql("db-primary", "SHOW max_slot_wal_keep_size") == "1GB"
    for replica in REPLICAS:
        assert compose.psql(replica, "SELECT pg_is_in_recovery()") == "t"


def test_the_warm_up_cached_pages_for_the_address_users_browse(base_url, web_port, shop_catalog):
    # As staff, who are sent X-Cache. The session cookie goes by hand: requests matches cookies
    # against the Host header, and this one names another host than the journey's 127.0.0.1.
    session = staff_browser(base_url).session.cookies["sessionid"]
    headers = {"Host": f"localhost:{web_port}", "Cookie": f"sessionid={session}"}
    # Pages nobody has asked for yet.
    for path in (shop_catalog.categories[-1], shop_catalog.products[-1]):
        response = requests.get(base_url + path, headers=headers, timeout=10)

        assert response.status_code == 200
        assert response.headers["X-Cache"] == "hit", path


def test_healthz_answers(base_url):
    response = requests.get(f"{base_url}/healthz", timeout=10)

    assert response.status_code == 200
    assert response.text == "ok\n"


def test_a_shopper_browses_searches_signs_up_checks_out_and_sees_the_order(base_url, shop_catalog):
    browser = Browser(base_url)
    category = browser.get(shop_catalog.categories[0]).content
    assert hrefs(category, "/p/"), "the category lists no product"
    word = shop_catalog.words[0]
    found = hrefs(browser.get(f"/search/?q={word}").content, "/p/")
    assert found, f"searching {word!r} found nothing"
    product = found[0]

    offer = browser.form(product, "quantity")
    cart = browser.submit(offer, product, quantity="1")
    assert browser.path(cart) == "/cart/"
    assert product in cart.text

    username = f"compose-{uuid.uuid4().hex[:10]}"
    signup = browser.form("/accounts/signup/?next=/checkout/", "password1")
    password = uuid.uuid4().hex
    checkout = browser.submit(
        signup,
        "/accounts/signup/?next=/checkout/",
        username=username,
        email=f"{username}@example.com",
        password1=password,
        password2=password,
    )
    assert browser.path(checkout) == "/checkout/"

    form = browser.form("/checkout/", "card_number")
    order = browser.submit(form, "/checkout/", **SHIPPING)
    number = browser.path(order).removeprefix("/accounts/orders/").strip("/")
    assert browser.path(order).startswith("/accounts/orders/")
    assert f"<code>{number}</code>" in order.text
    assert SHIPPING["full_name"] in order.text
    assert browser.path(order) in browser.get("/accounts/orders/").text


def test_staff_see_the_primary_and_both_replicas_on_perf(base_url):
    browser = staff_browser(base_url)

    page = browser.get("/perf/").text
    nodes = browser.get("/perf/?format=json").json()["databases"]["nodes"]

    assert [(node["name"], node["role"]) for node in nodes] == [
        ("default", "primary"),
        ("replica1", "replica"),
        ("replica2", "replica"),
    ]
    assert all(node["name"] in page for node in nodes)


def test_cache_busting_load_is_read_from_both_replicas(compose, base_url, shop_catalog, report):
    before = {replica: reads(compose, replica) for replica in REPLICAS}
    with load(base_url, shop_catalog) as running:
        time.sleep(BEFORE + DURING)
    served = {replica: reads(compose, replica) - before[replica] for replica in REPLICAS}
    summary = Summary.of(running.samples)
    report.rows.append(("none (both replicas up)", summary))

    assert summary.failed == 0, [s for s in running.samples if not s.ok][:5]
    # Each replica ran a good share of the reads (a request makes a few).
    assert all(count > summary.requests / 4 for count in served.values()), (served, summary)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
def test_a_replica_fault_under_load_fails_no_request(
    compose, base_url, shop_catalog, report: ComposeReport, fault: Fault
):
    with load(base_url, shop_catalog) as running:
        time.sleep(BEFORE)
        compose.run(*fault.inject, FAULTY)
        time.sleep(DURING)
        compose.run(*fault.repair, FAULTY)
        compose.wait_healthy([FAULTY], timeout=60)
        back = reads(compose, FAULTY)
        time.sleep(AFTER)
        served_after = reads(compose, FAULTY) - back
    summary = Summary.of(running.samples)
    report.rows.append((fault.name, summary))

    assert summary.failed == 0, [s for s in running.samples if not s.ok][:5]
    assert served_after > 0, f"{FAULTY} served no read in the {AFTER} s after it came back"


def test_the_bench_profile_adds_locust_with_both_workers_on_its_master(compose, locust_port):
    compose.up("locust-master", "locust-worker", profiles=("--profile", "bench"))
    compose.wait_healthy(["locust-master", "locust-worker"], timeout=120)

    stats = requests.get(f"http://127.0.0.1:{locust_port}/stats/requests", timeout=10).json()

    assert stats["worker_count"] == 2
    compose.run("stop", "locust-worker", "locust-master")


def test_down_then_up_keeps_sessions_and_product_images(compose, base_url, shop_catalog, log_dir):
    browser = staff_browser(base_url)
    image = re.search(r'src="(/media/[^"]+)"', browser.get(shop_catalog.products[0]).text)
    assert image, "the product page shows no image"

    compose.save_logs(log_dir / "services.log")
    compose.run("down")
    compose.up()
    compose.wait_healthy(compose.services, timeout=300)

    # Still logged in: the session outlived web's container, and so did the SECRET_KEY.
    assert browser.path(browser.get("/perf/")) == "/perf/"
    assert browser.get(image.group(1)).headers["Content-Type"].startswith("image/")


def test_a_promoted_replica_takes_the_writes_and_web_follows_without_a_restart(
    compose, base_url, shop_catalog
):
    browser = Browser(base_url)
    product = shop_catalog.products[0]

    compose.promote_replica(1)

    assert compose.psql("db-replica1", "SELECT pg_is_in_recovery()") == "f"
    assert compose.psql("db-replica2", "SELECT sender_host FROM pg_stat_wal_receiver") == (
        "db-replica1"
    )
    # Writes answer the read-only 503 until web's cooldown lets it look for the primary again.
    deadline = time.monotonic() + 60
    while True:
        offer = browser.form(product, "quantity")
        offer.choose("quantity", "1")
        cart = browser.session.post(
            base_url + (offer.action or product),
            data=offer.values,
            headers={"Referer": base_url + product},
            timeout=30,
        )
        if cart.status_code == 200 and browser.path(cart) == "/cart/":
            break
        assert cart.status_code == 503, cart.status_code
        assert time.monotonic() < deadline, "writes did not resume on the promoted replica"
        time.sleep(1)
    assert product in cart.text


def test_down_leaves_no_container_volume_or_network(compose, log_dir):
    compose.save_logs(log_dir / "services.log")
    compose.down()

    assert compose.leftovers() == []

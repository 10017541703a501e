"""
The whole purchase in a real browser: browse, add to the cart, sign up, check out, see the order.

Debian's Chromium (``apt-get install chromium``) is driven through Playwright's Python API against
pytest-django's live server; no browser is downloaded. Playwright's sync API keeps an event loop
open while the browser is, so the test touches the database only before and after the browser
session, never during it (Django refuses ORM calls from a thread with a running loop).
"""

import contextlib
import shutil
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from cart.models import Order
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductVariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def browser_page(base_url: str) -> Iterator[Page]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=base_url)
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


@pytest.fixture
def boots(request: pytest.FixtureRequest):
    """A department with one product: 10 in stock at $120.00."""
    department = CategoryFactory(name="Footwear", slug="footwear")
    product = ProductFactory(category=department, name="Ridge Trail Boot", is_featured=True)
    variant = ProductVariantFactory(product=product, name="EU 42", price="120.00", stock=10)
    if len(settings.DATABASES) > 1:
        # The catalog pages may be read from a replica: let it replay the rows first.
        request.getfixturevalue("stack").wait_for_replication()
    return variant


def test_a_visitor_browses_buys_as_a_new_customer_and_finds_the_order(live_server, boots):
    with browser_page(live_server.url) as page:
        page.goto("/")
        page.get_by_role("navigation", name="Departments").get_by_role(
            "link", name="Footwear"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Footwear")
        page.get_by_role("link", name="Ridge Trail Boot").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ridge Trail Boot")

        page.get_by_label("Quantity").fill("2")
        page.get_by_role("button", name="Add to cart").click()
        expect(page).to_have_url(f"{live_server.url}/cart/")
        expect(page.locator("[data-minicart-count]")).to_have_text("2")
        expect(page.locator(".minicart")).to_contain_text("$240.00")

        page.get_by_role("link", name="Check out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Username").fill("grace")
        page.get_by_label("First name (optional)").fill("Grace")
        page.get_by_label("Email").fill("grace@example.com")
        page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase")
        page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
        page.get_by_role("button", name="Create account").click()

        expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
        expect(page.get_by_text("Hi, Grace")).to_be_visible()
        expect(page.locator("[data-minicart-count]")).to_have_text("2")
        page.get_by_label("Full name").fill("Grace Hopper")
        page.get_by_label("Address").fill("1 Harvard Yard")
        page.get_by_label("City").fill("Cambridge")
        page.get_by_label("Postal code").fill("02138")
        page.get_by_label("Country").fill("United States")
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.get_by_role("button", name="Place order").click()

        expect(page.get_by_text("Thank you! Your order is placed.")).to_be_visible()
        expect(page.locator("[data-minicart-count]")).to_have_text("0")
        reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Order #")
        page.get_by_role("link", name="Your orders").click()
        expect(page.get_by_role("link", name=f"#{reference}")).to_be_visible()

    order = Order.objects.get()
    assert (order.user.username, order.total, order.reference) == (
        "grace",
        Decimal("240.00"),
        reference,
    )
    boots.refresh_from_db()
    assert boots.stock == 8

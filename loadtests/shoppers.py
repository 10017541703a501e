"""
The shoppers: anonymous visitors (``Shopper``) and returning customers (``Customer``).

Anonymous shoppers browse the home page, categories (paging, sorting, filtering), search and
product pages, and put things in their cart; customers also log in, look at their orders and check
out now and then. Slugs and form values come from the pages themselves, and forms carry the CSRF
token the page gave, as a browser's would. Tasks are tagged (``browse``, ``cart``, ``account``,
``checkout``) so ``--tags`` picks a part of the mix, and weighted by ``loadtests.mix``.
"""

import itertools
import random
import uuid
from urllib.parse import urlencode

from locust import FastHttpUser, tag

from loadtests.known_pages import KNOWN
from loadtests.pages import Form, forms, hrefs

# An anonymous visitor with this many cart lines leaves; the next one starts a new session.
MAX_CART_LINES = 5

SHIPPING = {
    "full_name": "Ada Lovelace",
    "address": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "United Kingdom",
    "card_number": "4242 4242 4242 4242",
}


class Shopper(FastHttpUser):
    """An anonymous visitor: browses and fills a cart, then leaves."""

    weight = 4

    def wait_time(self) -> float:
        options = self.environment.parsed_options
        low, high = (options.wait_min, options.wait_max) if options else (1.0, 5.0)
        return random.uniform(low, high)

    def on_start(self) -> None:
        self.cart_lines = 0
        self.home()

    # -- helpers ---------------------------------------------------------------------------

    def visit(self, path: str, name: str) -> bytes:
        response = self.client.get(path, name=name)
        KNOWN.learn(response.content)
        return response.content or b""

    def page(self, path: str, name: str) -> str:
        return self.visit(path, name).decode("utf-8", "replace")

    def submit(self, form: Form, name: str, referer: str) -> str | None:
        """POST ``form`` like a browser; return where it redirects, or None if refused or
        failed (``last_status`` tells which: 0 when no answer came)."""
        with self.client.post(
            form.action or referer,
            data=form.values,
            name=name,
            headers={"Referer": self.host + referer},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.last_status = response.status_code
            if response.status_code in (302, 303):
                response.success()
                return response.headers.get("location") or ""
            if response.status_code in (400, 409):
                # The shop refused a well-formed request (the stock ran out, a limit was hit):
                # the right answer, not an error. Counted under its own name.
                response.success()
                response.request_meta["name"] = f"{name} (refused)"
                return None
            response.failure(f"HTTP {response.status_code}")
            return None

    def product_path(self) -> str:
        if not KNOWN.products:
            self.home()
        return KNOWN.popular(KNOWN.products, default="/")

    # -- tasks -----------------------------------------------------------------------------

    @tag("browse")
    def home(self) -> None:
        self.visit("/", name="/")

    @tag("browse")
    def category(self) -> None:
        """A category page, then half the time another page of it, a quarter a filter."""
        if not KNOWN.categories:
            self.home()
        path = KNOWN.popular(KNOWN.categories, default="/")
        content = self.visit(path, name="/c/[slug]/")
        roll = random.random()
        if roll < 0.5:
            links = hrefs(content, "?") + hrefs(content, f"{path}?")
            if links:
                target = random.choice(links)
                name = "/c/[slug]/?[page or sort]"
                self.visit(path + target if target.startswith("?") else target, name=name)
        elif roll < 0.75:
            self.filter_category(path, content.decode("utf-8", "replace"))

    def filter_category(self, path: str, page: str) -> None:
        """Submit the category's filter form with random choices, as a shopper would."""
        filters = [form for form in forms(page) if form.method == "get" and form.choices]
        if not filters:
            return
        form = random.choice(filters)
        for name, choices in form.choices.items():
            if form.kinds.get(name) == "checkbox" and random.random() < 0.5:
                form.values.pop(name, None)
            else:
                form.choose(name, random.choice(choices))
        query = urlencode({key: value for key, value in form.values.items() if value})
        self.visit(f"{form.action or path}?{query}", name="/c/[slug]/?[filters]")

    @tag("browse")
    def search(self) -> None:
        count = random.choice((1, 1, 2))
        words = {KNOWN.popular(KNOWN.words, default="shirt") for _ in range(count)}
        self.visit(f"/search/?{urlencode({'q': ' '.join(words)})}", name="/search/?q=")

    @tag("browse")
    def product(self) -> None:
        self.visit(self.product_path(), name="/p/[slug]/")

    @tag("cart")
    def add_to_cart(self) -> None:
        path = self.product_path()
        offers = forms(self.page(path, name="/p/[slug]/"), action="/cart/add/")
        if not offers:
            return  # nothing on this page can be bought right now
        form = random.choice(offers)
        for name, choices in form.choices.items():
            form.choose(name, random.choice(choices))
        form.choose("quantity", "1")
        target = self.submit(form, name="/cart/add/", referer=path)
        if target is not None:
            self.cart_lines += 1
            self.visit(target or "/cart/", name="/cart/")
        if self.cart_lines >= MAX_CART_LINES:
            self.leave()

    @tag("cart")
    def cart(self) -> None:
        self.visit("/cart/", name="/cart/")

    def leave(self) -> None:
        """This visitor is done; the next one arrives without cookies."""
        self.client.cookiejar.clear()
        self.cart_lines = 0


def form_with(page: str, field: str) -> Form | None:
    """The page's first form that has ``field``."""
    return next((form for form in forms(page) if field in form.values), None)


class Customer(Shopper):
    """A returning customer: logs in once, looks at past orders, checks out now and then."""

    weight = 1
    accounts = itertools.count()

    def on_start(self) -> None:
        self.logged_in = False
        self.account = next(self.accounts)
        super().on_start()

    def leave(self) -> None:
        """Customers do not walk away from a full cart: they check out."""
        self.checkout()

    @tag("account")
    def account(self) -> None:
        if self.logged_in:
            self.visit("/accounts/orders/", name="/accounts/orders/")
        else:
            self.log_in()

    def log_in(self) -> None:
        options = self.environment.parsed_options
        if options is None or not options.shop_users:
            self.sign_up()
            return
        form = form_with(self.page("/accounts/login/", name="/accounts/login/"), "password")
        if form is None:
            return
        form.choose("username", f"{options.shop_user_prefix}{self.account % options.shop_users}")
        form.choose("password", options.shop_password)
        self.logged_in = self.submit(form, "/accounts/login/", "/accounts/login/") is not None

    def sign_up(self) -> None:
        """Without accounts given, a customer signs up (and is logged in) instead."""
        form = form_with(self.page("/accounts/signup/", name="/accounts/signup/"), "password1")
        if form is None:
            return
        password, username = uuid.uuid4().hex, f"locust-{uuid.uuid4().hex[:12]}"
        for name in form.values:
            if name.startswith("password"):
                form.choose(name, password)
        form.choose("username", username)
        if "email" in form.values:
            form.choose("email", f"{username}@example.com")
        self.logged_in = self.submit(form, "/accounts/signup/", "/accounts/signup/") is not None

    @tag("checkout")
    def checkout(self) -> None:
        if not self.cart_lines:
            self.add_to_cart()
        if not self.logged_in:
            self.log_in()
        if not (self.cart_lines and self.logged_in):
            return
        form = form_with(self.page("/checkout/", name="/checkout/"), "card_number")
        if form is None:
            return
        for name, value in SHIPPING.items():
            if name in form.values:
                form.choose(name, value)
        if "email" in form.values and not form.values["email"]:
            form.choose("email", f"customer{self.account}@example.com")
        order = self.submit(form, "/checkout/ (place order)", "/checkout/")
        self.cart_lines = 0
        if order and order.startswith("/accounts/orders/"):
            self.visit(order, name="/accounts/orders/[number]/")

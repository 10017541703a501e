"""
A shopper's browser against the compose ``web``: pages fetched with cookies kept, forms filled
from the page itself (its CSRF token included) and posted with a Referer, as a browser would.
The form parsing is the load tests' (loadtests/pages.py).
"""

from dataclasses import dataclass

import requests

from loadtests.pages import Form, forms, hrefs


@dataclass
class Catalog:
    """What the home page and the category pages link to: paths, and words of product names."""

    categories: list[str]
    products: list[str]
    words: list[str]


class Browser:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        """GET ``path`` (redirects followed); fails on anything but 200."""
        response = self.session.get(self.base_url + path, timeout=30)
        assert response.status_code == 200, f"GET {path}: HTTP {response.status_code}"
        return response

    def form(self, path: str, field: str) -> Form:
        """The first form on the page at ``path`` that has ``field``."""
        page = self.get(path).text
        found = next((form for form in forms(page) if field in form.values), None)
        assert found is not None, f"{path} has no form with a {field} field"
        return found

    def submit(self, form: Form, page: str, **values: str) -> requests.Response:
        """Post ``form`` of the page at ``page`` with ``values`` filled in; follows redirects
        and fails on anything but 200."""
        for name, value in values.items():
            form.choose(name, value)
        response = self.session.post(
            self.base_url + (form.action or page),
            data=form.values,
            headers={"Referer": self.base_url + page},
            timeout=30,
        )
        assert response.status_code == 200, f"POST {form.action}: HTTP {response.status_code}"
        return response

    def path(self, response: requests.Response) -> str:
        return response.url.removeprefix(self.base_url)


def catalog(browser: Browser) -> Catalog:
    """The categories of the home page, and the products they list first."""
    home = browser.get("/").content
    categories = [path for path in hrefs(home, "/c/") if "?" not in path]
    products = hrefs(home, "/p/")
    for category in categories:
        products += hrefs(browser.get(category).content, "/p/")
    products = list(dict.fromkeys(path.split("?")[0] for path in products))
    words = {
        word
        for path in products
        for word in path.strip("/").rsplit("/", 1)[-1].split("-")
        if word.isalpha() and len(word) > 2
    }
    return Catalog(categories, products, sorted(words))

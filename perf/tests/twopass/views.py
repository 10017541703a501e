"""Small views for the two-pass tests: a page with holes, leaky pages, and a form endpoint."""

import threading

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from perf.twopass import TwoPassCacheMixin

#: What the page shows; tests change it and bump the "items" namespace, like an admin edit.
CATALOG = {"item": "Blue kettle"}


class Page(TwoPassCacheMixin, TemplateView):
    template_name = "twopass_tests/page.html"
    cache_namespaces = ["items"]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "item": CATALOG["item"]}


class SlowPage(Page):
    """Reads the data, then waits for the test to let it finish rendering."""

    read = threading.Event()
    proceed = threading.Event()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.read.set()
        self.proceed.wait(timeout=10)
        return context


class MissingPage(Page):
    def render_to_response(self, context, **response_kwargs):
        return super().render_to_response(context, status=404, **response_kwargs)


class RedirectingPage(TwoPassCacheMixin, TemplateView):
    def render_to_response(self, context, **response_kwargs):
        return HttpResponseRedirect("/elsewhere/")


class LeakyTemplatePage(Page):
    """Renders the template named by ?template=, to try each thing pass one must refuse."""

    def get_template_names(self):
        return [f"twopass_tests/leaks/{self.request.GET['template']}.html"]


class UserInViewPage(Page):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "name": self.request.user.get_username()}


class SessionInViewPage(Page):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "seen": self.request.session.get("seen")}


class MessageInViewPage(Page):
    def get_context_data(self, **kwargs):
        messages.info(self.request, "Hello")
        return super().get_context_data(**kwargs)


class CsrfInViewPage(Page):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "token": get_token(self.request)}


class CookieInViewPage(Page):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "c": self.request.COOKIES.get("sessionid")}


class CookieHeaderInViewPage(Page):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "c": self.request.headers.get("Cookie")}


class SetsCookiePage(Page):
    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.set_cookie("tracking", "1")
        return response


def basket(request):
    """A per-user context processor, like the shop's mini-cart."""
    return {"basket": SimpleLazyObject(lambda: request.session.get("basket", []))}


def add_message(request):
    messages.success(request, "Added to your cart")
    return HttpResponse("ok")


def post_form(request):
    return HttpResponse(f"posted {request.POST.get('name', '')}")


def fetch_items(numbers):
    return {n: f"ITEM:{n}" for n in numbers}


class TestRebuilder:
    """The rebuilder a shop lists in PERF["CACHE_REBUILDERS"], over the test views."""

    name = "tests"
    items = list(range(10))
    paths = ["/page/", "/page/?q=tea", "/redirect/", "/missing/"]

    def data_count(self):
        return len(self.items)

    def rebuild_data(self):
        from perf.cache import data_cache

        for start in range(0, len(self.items), 4):
            batch = {f"item:{n}": n for n in self.items[start : start + 4]}
            yield len(data_cache().refresh_many(batch, fetch_items, namespaces=lambda _: ["items"]))

    def page_count(self):
        return len(self.paths)

    def page_batches(self):
        yield self.paths[:2]
        yield self.paths[2:]

    def prepare_pages(self, paths):
        """The test pages read nothing in bulk."""


class PeoplePage(Page):
    """Reads a table (auth_user) for the invalidation-graph audit."""

    cache_namespaces = ["people"]

    def get_context_data(self, **kwargs):
        from django.contrib.auth import get_user_model

        return {**super().get_context_data(**kwargs), "item": get_user_model().objects.count()}

"""
``TwoPassCacheMixin``: a class-based view whose page is rendered once for everybody, then
personalised for each visitor.

Pass one runs the view as usual, but with a guarded request (see ``guard``) and holes instead of
the per-user fragments (see ``holes``), and the page cache keeps the result. Pass two, on every
request, hit or miss, renders the fragments for the real request into the cached HTML. A page that
is not a 200 (an error page, a redirect) goes out without being cached.
"""

from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import cache

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.template.context import make_context
from django.template.loader import get_template
from django.template.response import SimpleTemplateResponse
from django.utils.cache import cc_delim_re
from django.utils.module_loading import import_string

from perf.cache import CacheUnavailable, page_cache, process_page_cache
from perf.conf import get_config
from perf.diagnostics import sends_diagnostics
from perf.twopass.guard import PassOneLeak, guard_request
from perf.twopass.holes import CSRF_HOLE, CachedPage
from perf.twopass.keys import page_key
from perf.twopass.render import render_for_nobody


@cache
def _imported(paths: tuple[str, ...]) -> list[Callable[[HttpRequest], list[str]]]:
    return [import_string(path) for path in paths]


def hole_namespaces(request: HttpRequest) -> list[str]:
    """The namespaces the holes will read for ``request`` (``PERF["HOLE_NAMESPACES"]``)."""
    return [
        namespace
        for namespaces_of in _imported(tuple(get_config()["HOLE_NAMESPACES"]))
        for namespace in namespaces_of(request)
    ]


#: A namespace every two-pass page depends on: ``rebuild_cache`` bumps it to retire all pages.
ALL_PAGES = "perf:pages"


class Uncacheable(Exception):
    """Pass one made something not to cache: a response to send as it is (a redirect) or a page
    that still needs its holes filled (an error page)."""

    def __init__(
        self, *, response: HttpResponseBase | None = None, page: CachedPage | None = None
    ) -> None:
        self.response = response
        self.page = page


def check_impersonal(response: HttpResponseBase) -> None:
    """Refuse a pass-one response that would set a cookie or vary by cookie once cached."""
    if response.cookies:
        raise PassOneLeak(f"pass one set cookies {sorted(response.cookies)}")
    vary = {value.lower() for value in cc_delim_re.split(response.get("Vary", "")) if value}
    if "cookie" in vary:
        raise PassOneLeak("pass one sent Vary: Cookie")


class TwoPassCacheMixin:
    """
    Put it first: ``class ProductDetailView(TwoPassCacheMixin, DetailView)``.

    ``cache_namespaces`` (or ``get_cache_namespaces()``) name the data the page shows; the page's
    key holds their generations, so invalidating one of them retires the page. Bump
    ``cache_version`` when the view starts putting something new in its context.
    """

    cache_namespaces: Sequence[str] = ()
    cache_version: str = ""
    #: False keeps the pages in each process (L1) only, never in Redis: for pages whose keys
    #: visitors can multiply without bound (search results), so a flood of them cannot evict
    #: the shared cache (``perf.cache.process``).
    shared_pages = True

    def get_cache_namespaces(self) -> list[str]:
        return list(self.cache_namespaces)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        """Serve a GET with one set of generations: the page's and those its holes will read,
        taken together before the view runs (it may read cached data before the page): one round
        trip at most, none when the process remembers them all."""
        if request.method != "GET" or not get_config()["PAGE_CACHE"]:
            return super().dispatch(request, *args, **kwargs)
        generations = page_cache().generations
        with generations.snapshot():
            # Down: the lookups will find it down too, and read the database.
            with suppress(CacheUnavailable):
                generations.read([*self.page_namespaces(), *hole_namespaces(request)])
            return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        """What the view works out from the request before pass one (its category, its filter
        form): for requests and ``prerender_many()`` alike, inside the generation snapshot."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        self.prepare()
        if not get_config()["PAGE_CACHE"]:
            return super().get(request, *args, **kwargs)
        try:
            page, rendered = self.cached_page(*args, **kwargs)
        except Uncacheable as uncacheable:
            if uncacheable.page is None:
                return uncacheable.response
            page, rendered = uncacheable.page, True
        return self.render_pass_two(page, cache_status="miss" if rendered else "hit")

    def page_namespaces(self) -> list[str]:
        return [ALL_PAGES, *self.get_cache_namespaces()]

    def page_identity(self) -> tuple[str, list[str]]:
        """The page's key (before generations) and the namespaces it depends on."""
        return page_key(self.request, view_version=self.cache_version), self.page_namespaces()

    def cached_page(self, *args, **kwargs) -> tuple[CachedPage, bool]:
        """The page from the cache, rendered (pass one) and stored if missing; True if rendered."""
        rendered = False

        def pass_one() -> CachedPage:
            nonlocal rendered
            rendered = True
            return self.render_pass_one(*args, **kwargs)

        key, namespaces = self.page_identity()
        cache = page_cache() if self.shared_pages else process_page_cache()
        # One set of generations for the page and every data object its render reads.
        with cache.generations.snapshot():
            page = cache.get_or_set(key, pass_one, namespaces=namespaces)
        return page, rendered

    def render_pass_one(self, *args, **kwargs) -> CachedPage:
        """The page as pass one renders it for everybody; raises Uncacheable for a response not
        to cache. The one way a page is built, for a request's miss and for prerendering."""
        request = self.request
        self.request = guard_request(request)
        try:
            response = super().get(self.request, *args, **kwargs)
            if not isinstance(response, SimpleTemplateResponse):
                raise Uncacheable(response=response)
            check_impersonal(response)
            page = render_for_nobody(response, self.request, request)
        finally:
            self.request = request
        if page.status != 200:
            raise Uncacheable(page=page)
        return page

    def render_pass_two(self, page: CachedPage, *, cache_status: str) -> HttpResponse:
        # On every request, so that a first-time visitor gets the CSRF cookie even on a hit.
        token = get_token(self.request)
        templates = {
            name: get_template(name, using=self.template_engine).template
            for name in dict.fromkeys(page.holes)
            if name != CSRF_HOLE
        }
        # One RequestContext for all the holes: the context processors run once per request.
        context = make_context({}, self.request)

        def render_hole(name: str) -> str:
            if name == CSRF_HOLE:
                return token
            with context.push():
                return templates[name].render(context)

        if templates:
            with context.bind_template(next(iter(templates.values()))):
                html = page.fill(render_hole)
        else:
            html = page.fill(render_hole)
        response = HttpResponse(html, status=page.status, content_type=page.content_type)
        if sends_diagnostics(self.request):
            response["X-Cache"] = cache_status
        response["Cache-Control"] = "private"
        return response

"""
Pages rendered ahead of visitors, straight into the page cache: pass one only, no middleware, no
session, no pass two. ``rebuild_cache`` uses it once it has refilled the data level.

A batch of pages shares one generation snapshot and is stored with one round trip, so when the
data its pages need is already in L1 (a rebuilder reads it in bulk before each batch), rendering
them costs no round trip at all.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve

from perf.cache import page_cache
from perf.db.routing import use_primary
from perf.twopass.holes import CachedPage
from perf.twopass.mixin import TwoPassCacheMixin, Uncacheable


def prerender_many(paths: Iterable[str], *, base_url: str) -> int:
    """Put the pages at ``paths`` in the page cache; how many were cacheable two-pass pages.

    ``base_url`` is the site's public scheme and host, which are part of page keys.
    """
    cache = page_cache()
    with cache.generations.snapshot(), use_primary():
        pages = {}
        for path in paths:
            if (built := _pass_one(path, base_url)) is not None:
                key, namespaces, page = built
                pages[key] = (namespaces, page)
        return cache.put_many(pages)


def _pass_one(path: str, base_url: str) -> tuple[str, list[str], CachedPage] | None:
    """The page at ``path`` as pass one renders it, with its key and namespaces; None for a path
    that is no cacheable two-pass page."""
    site = urlsplit(base_url)
    secure = site.scheme == "https"
    request = RequestFactory().get(path, secure=secure, headers={"host": site.netloc})
    match = resolve(request.path_info)
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, TwoPassCacheMixin):
        return None
    if not view_class.shared_pages:  # each process keeps its own: nothing to fill ahead
        return None
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    try:
        view.prepare()
        key, namespaces = view.page_identity()
        # Read before rendering: the page is stored under the generations its data came from.
        page_cache().generations.read(namespaces)
        return key, namespaces, view.render_pass_one(*match.args, **match.kwargs)
    except (Http404, Uncacheable):
        return None

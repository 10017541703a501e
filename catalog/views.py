"""
The catalog pages: home, category, product and search.

They stay thin (queries live in ``selectors``, the data objects pages share in ``cache``) and
are two-pass cached views (``perf.twopass``). They read nothing about the visitor: no
``request.user``, session, messages or cart. Everything per-user on these pages comes from the
header includes and ``{% csrf_token %}``, which is what lets the page cache store them whole.
"""

from django.http import Http404
from django.utils.http import urlencode
from django.views.generic import DetailView, ListView, TemplateView

from catalog import cache, namespaces, recently_viewed, selectors
from catalog.forms import ProductFilterForm, SearchForm
from catalog.search import search_products
from perf.twopass import TwoPassCacheMixin

PAGE_SIZE = 24


class CanonicalLinkMixin:
    """Puts ``canonical_url`` in the context, for ``<link rel="canonical">`` in base.html.

    The address search engines should index: the page's path with only the parameters that name
    its content, never its filters, sort or tracking tags. Rendered in pass one, it is built from
    what the page key holds (host, path, the validated form, the page number), so one cached page
    cannot carry another visitor's parameters.
    """

    def canonical_params(self, context: dict) -> dict[str, str]:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = urlencode(self.canonical_params(context))
        path = self.request.path + (f"?{query}" if query else "")
        context["canonical_url"] = self.request.build_absolute_uri(path)
        return context


class HomeView(TwoPassCacheMixin, CanonicalLinkMixin, TemplateView):
    template_name = "catalog/home.html"
    cache_namespaces = namespaces.LISTING_PAGE_NAMESPACES

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tree=cache.category_tree(),
            featured=cache.shelf_cards("featured"),
            new_arrivals=cache.shelf_cards("new-arrivals"),
            **kwargs,
        )


class ProductCardsMixin(CanonicalLinkMixin):
    """A list view whose queryset yields product ids: its page shows their cached cards. Each
    page after the first is canonical to itself, so search engines index every product."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, ids, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = cache.cards(ids)
        return paginator, page, page.object_list, is_paginated

    def canonical_params(self, context: dict) -> dict[str, str]:
        number = context["page_obj"].number
        return {"page": str(number)} if number > 1 else {}


class CategoryView(TwoPassCacheMixin, ProductCardsMixin, ListView):
    """A category's products and those of its subcategories, sorted and filtered by the URL."""

    template_name = "catalog/category.html"
    context_object_name = "products"
    paginate_by = PAGE_SIZE

    def get_cache_namespaces(self):
        return namespaces.category_page_namespaces(self.kwargs["slug"])

    def prepare(self):
        self.tree = cache.category_tree()
        self.category = self.tree.by_slug.get(self.kwargs["slug"])
        if self.category is None:
            raise Http404("No such category.")
        self.filter_form = ProductFilterForm(self.request.GET)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.filter_form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        products = selectors.category_products(
            category_ids=self.tree.descendant_ids(self.category), **self.filter_form.filters()
        )
        return cache.ids_of(products)

    def get_context_data(self, **kwargs):
        breadcrumbs = self.tree.ancestors(self.category)
        return super().get_context_data(
            tree=self.tree,
            category=self.category,
            breadcrumbs=breadcrumbs,
            department=breadcrumbs[0] if breadcrumbs else self.category,
            filter_form=self.filter_form,
            **kwargs,
        )


class ProductView(TwoPassCacheMixin, CanonicalLinkMixin, DetailView):
    template_name = "catalog/product.html"
    context_object_name = "product"

    def get_cache_namespaces(self):
        return namespaces.product_page_namespaces(self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        recently_viewed.remember(request, response, self.kwargs["slug"])
        return response

    def get_object(self, queryset=None):
        product = cache.product_detail(self.kwargs["slug"])
        if product is None:
            raise Http404("No such product.")
        return product

    def get_context_data(self, **kwargs):
        tree = cache.category_tree()
        category = tree.by_id[self.object.category_id]
        breadcrumbs = [*tree.ancestors(category), category]
        variants = self.object.active_variants
        return super().get_context_data(
            tree=tree,
            breadcrumbs=breadcrumbs,
            department=breadcrumbs[0],
            first_available=next((v for v in variants if v.stock > 0), None),
            price_varies=len({v.price for v in variants}) > 1,
            related=cache.related_cards(self.object),
            **kwargs,
        )


class SearchView(TwoPassCacheMixin, ProductCardsMixin, ListView):
    template_name = "catalog/search.html"
    context_object_name = "products"
    paginate_by = PAGE_SIZE
    cache_namespaces = namespaces.LISTING_PAGE_NAMESPACES
    # Every new query is a new page: kept per process, a flood of them cannot evict the catalog.
    shared_pages = False

    def prepare(self):
        self.form = SearchForm(self.request.GET)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        query = self.form.query()
        if not query:
            return selectors.product_cards().none()
        return cache.ids_of(search_products(selectors.product_cards(), query))

    def canonical_params(self, context: dict) -> dict[str, str]:
        query = self.form.query()
        return {**({"q": query} if query else {}), **super().canonical_params(context)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, query=self.form.query(), **kwargs)

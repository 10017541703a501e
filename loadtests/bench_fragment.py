"""
The product page as a Django developer caches it with ``{% cache %}``, for ``bench_views``.

The view reads the product alone (one query: the title needs it); everything else the page shows is
lazy, computed only when a fragment misses: the navigation and the body are each a fragment
(``loadtests/templates/bench/product_fragments.html``). A hit therefore costs one query and two
cache reads. Like every fragment cache, the body's fragment holds the buy form's CSRF token for
everyone: the bug two-pass caching exists to avoid.
"""

from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView

from catalog.models import Product
from catalog.views import ProductView

#: What ``ProductView`` puts in the context, each evaluated on first use inside a fragment.
LAZY_NAMES = (
    "product",
    "tree",
    "breadcrumbs",
    "department",
    "first_available",
    "price_varies",
    "related",
)


class FragmentProductView(DetailView):
    template_name = "bench/product_fragments.html"
    queryset = Product.objects.filter(is_active=True)
    context_object_name = "listed"  # ``product`` is the page's detail, lazy

    def get_context_data(self, **kwargs):
        page = SimpleLazyObject(self.page_context)
        lazy = {name: SimpleLazyObject(lambda name=name: page[name]) for name in LAZY_NAMES}
        return super().get_context_data(**lazy, **kwargs)

    def page_context(self) -> dict:
        view = ProductView()
        view.setup(self.request, **self.kwargs)
        view.object = view.get_object()
        return view.get_context_data(object=view.object)

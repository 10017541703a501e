"""Root URL map: every page of the shop hangs from here."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve

from catalog.sitemaps import SITEMAPS
from catalog.views import HomeView
from perf.metrics.views import metrics
from perf.status import healthz, readyz
from shop.robots import robots_txt


def media(request: HttpRequest, path: str) -> HttpResponse:
    """
    Product images, also with DEBUG off so `make serve` shows them; a real shop puts media on
    object storage behind a CDN and drops this route.
    """
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("catalog.urls")),
    path("", include("cart.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("perf.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
]

# A database that cannot be reached answers the read-only 503 page, wherever the error arose.
handler500 = "perf.db.readonly.server_error"

urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media, name="media")]

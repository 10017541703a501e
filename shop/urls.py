"""Root URL map (the contract in the design notes): every page of the shop hangs from here."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("catalog.urls")),
    path("cart/", include("cart.urls")),
    path("accounts/", include("accounts.urls")),
    path("perf/", include("perf.urls")),
    path("admin/", admin.site.urls),
]

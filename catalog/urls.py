"""Catalog pages; the home page is mounted at the root in shop/urls.py, without the namespace."""

from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from catalog import views


class StoredSlugConverter(SlugConverter):
    """A slug no longer than a stored one can be (``Product.slug``): a longer one is a 404
    before the view runs, so it never reaches a cache key."""

    regex = "[-a-zA-Z0-9_]{1,220}"


register_converter(StoredSlugConverter, "stored_slug")

app_name = "catalog"

urlpatterns = [
    path("c/<stored_slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("p/<stored_slug:slug>/", views.ProductView.as_view(), name="product"),
    path("search/", views.SearchView.as_view(), name="search"),
]

"""Catalog pages; the home page is mounted at the root in shop/urls.py, without the namespace."""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("c/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("p/<slug:slug>/", views.ProductView.as_view(), name="product"),
    path("search/", views.SearchView.as_view(), name="search"),
]

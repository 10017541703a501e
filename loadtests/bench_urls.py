"""The shop's URLs plus the variants ``bench_views`` compares with its two-pass product page."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_page

from catalog.views import ProductView
from loadtests.bench_fragment import FragmentProductView


def hello(request):
    return HttpResponse("Hello, world")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/cache-page/p/<slug:slug>/", cache_page(600)(ProductView.as_view())),
    path("bench/fragment/p/<slug:slug>/", FragmentProductView.as_view()),
    path("", include("shop.urls")),
]

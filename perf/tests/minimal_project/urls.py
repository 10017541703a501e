from django.urls import include, path

from perf.status import healthz, readyz
from perf.tests.minimal_project.views import GreetingPage

urlpatterns = [
    path("", GreetingPage.as_view(), name="greeting"),
    path("", include("perf.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

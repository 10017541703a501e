from django.urls import path

from perf.status import StatusView

app_name = "perf"

urlpatterns = [
    path("perf/", StatusView.as_view(), name="status"),
]

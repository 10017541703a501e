from django.contrib import admin
from django.urls import include, path

from perf.status import healthz, readyz
from perf.tests.db import views

primary_only = (
    [path("route/", views.route, name="route")],
    "primaryonly",
)
reports = ([path("sleep/", views.sleep, name="sleep")], "reports")

urlpatterns = [
    path("route/", views.route, name="route"),
    path("write-then-route/", views.write_then_route, name="write-then-route"),
    path("route-fresh/", views.route_fresh, name="route-fresh"),
    path("primary-only/", include(primary_only)),
    path("sleep/", views.sleep, name="sleep"),
    path("reports/", include(reports)),
    path("groups/", views.group_names, name="group-names"),
    path("groups/count/", views.count_groups, name="group-count"),
    path("groups/<int:pk>/rename/", views.rename_group, name="group-rename"),
    path("unreachable/", views.unreachable, name="unreachable"),
    path("", include("perf.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

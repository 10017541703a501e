"""Views for the routing tests; ``auth.group`` stands in for the shop's catalog rows."""

from django.contrib.auth.models import Group
from django.db import OperationalError, connections, router
from django.http import HttpRequest, HttpResponse, JsonResponse

from perf.db import use_primary


def route(request: HttpRequest) -> JsonResponse:
    """Where a read of a group would go, without running it (no replica needed)."""
    return JsonResponse({"read": router.db_for_read(Group)})


def write_then_route(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"write": router.db_for_write(Group), "read": router.db_for_read(Group)})


@use_primary()
def route_fresh(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"read": router.db_for_read(Group)})


def group_names(request: HttpRequest) -> HttpResponse:
    """The groups' names; ``?pause=s`` holds each read open that long on the server, so a node
    can die under it."""
    pause = float(request.GET.get("pause", 0))
    groups = Group.objects.raw(
        "SELECT auth_group.* FROM auth_group, pg_sleep(%s) ORDER BY name", [pause]
    )
    return HttpResponse(",".join(group.name for group in groups), content_type="text/plain")


def rename_group(request: HttpRequest, pk: int) -> HttpResponse:
    """A write, then a read of what it wrote, in one request."""
    Group.objects.filter(pk=pk).update(name=request.POST["name"])
    return HttpResponse(Group.objects.get(pk=pk).name, content_type="text/plain")


def count_groups(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(Group.objects.count()), content_type="text/plain")


def sleep(request: HttpRequest) -> HttpResponse:
    """A statement on the primary that takes ``?seconds=s``: a slow report."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET["seconds"])])
    return HttpResponse("done", content_type="text/plain")


def unreachable(request: HttpRequest) -> HttpResponse:
    """What a view sees when its database went away under it."""
    raise OperationalError("connection to server was lost")

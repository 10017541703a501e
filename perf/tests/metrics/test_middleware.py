import pytest

from perf.metrics.host import host_samples

pytestmark = pytest.mark.django_db


def durations(view: str, status: str) -> float:
    return host_samples().total("perf_request_duration_seconds_count", view=view, status=status)


def test_requests_are_timed_by_url_name_and_status_class_never_by_path(client):
    client.get("/healthz")
    client.get("/healthz")
    client.get("/readyz")

    assert durations("healthz", "2xx") == 2
    assert durations("readyz", "2xx") == 1


def test_paths_no_url_matches_share_one_label(client):
    client.get("/no-such-page-1/")
    client.get("/no-such-page-2/")

    views = host_samples().by("perf_request_duration_seconds_count", "view", status="4xx")
    assert views == {"<unresolved>": 2}


def test_a_namespaced_view_is_labelled_with_its_namespace(client):
    client.get("/perf/")  # anonymous: redirected to log in

    assert durations("perf:status", "3xx") == 1

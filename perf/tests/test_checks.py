"""The system checks of ``perf.checks``: each fires on the mistake it names, with its fix."""

from django.core.checks import run_checks

from perf import checks


def ids(errors):
    return [error.id for error in errors]


def test_the_project_settings_pass_every_check():
    assert [error for error in run_checks() if error.id.startswith("perf.")] == []


def test_server_timing_below_another_middleware_is_an_error(settings):
    settings.MIDDLEWARE = [checks.SESSIONS, checks.TIMING]

    errors = checks.check_middleware_order()

    assert ids(errors) == ["perf.E001"]
    assert errors[0].hint == f"Move {checks.TIMING} to the top of MIDDLEWARE."


def test_pinning_below_the_session_middleware_is_an_error(settings):
    settings.MIDDLEWARE = [checks.TIMING, checks.SESSIONS, checks.PINNING, checks.READ_ONLY]

    errors = checks.check_middleware_order()

    assert ids(errors) == ["perf.E001", "perf.E001"]
    assert "the session's reads must follow the request's pin" in errors[0].msg
    assert errors[0].hint == f"Move {checks.PINNING} above {checks.SESSIONS}."
    assert f"{checks.READ_ONLY} is below {checks.SESSIONS}" in errors[1].msg


def test_middleware_left_out_is_not_an_error(settings):
    settings.MIDDLEWARE = [checks.SESSIONS, checks.AUTHENTICATION]

    assert checks.check_middleware_order() == []


def test_replicas_without_the_router_is_an_error(settings):
    settings.PERF = {**settings.PERF, "REPLICAS": ["replica1"]}
    settings.DATABASE_ROUTERS = []

    errors = checks.check_router()

    assert ids(errors) == ["perf.E002"]
    assert checks.ROUTER in errors[0].hint


def test_no_replicas_needs_no_router(settings):
    settings.PERF = {**settings.PERF, "REPLICAS": []}
    settings.DATABASE_ROUTERS = []

    assert checks.check_router() == []


def test_a_pool_on_the_failover_engine_is_an_error(settings, monkeypatch):
    database = {"ENGINE": "perf.db.backends.failover", "NAME": "shop", "OPTIONS": {"pool": True}}
    # In place: overriding DATABASES would reconfigure Django's connections.
    monkeypatch.setitem(settings.DATABASES, "pooled", database)

    errors = checks.check_no_pool_with_failover()

    assert ids(errors) == ["perf.E003"]
    assert "'pooled'" in errors[0].msg
    assert "CONN_MAX_AGE" in errors[0].hint


def test_a_hole_namespaces_path_that_does_not_import_is_an_error(settings):
    settings.PERF = {**settings.PERF, "HOLE_NAMESPACES": ["cart.cache.no_such_function"]}

    errors = checks.check_hole_namespaces()

    assert ids(errors) == ["perf.E004"]
    assert "'cart.cache.no_such_function'" in errors[0].msg

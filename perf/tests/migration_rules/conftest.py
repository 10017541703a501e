from collections.abc import Iterator

import pytest
from django.core.management import call_command

from .postgres import OtherSession

FIXTURE_APPS = [
    "perf.tests.migration_rules.unsafe_app",
    "perf.tests.migration_rules.safe_app",
]


@pytest.fixture
def rule_fixture_apps(settings):
    """Install the test-only apps whose migrations break, or follow, the rules."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *FIXTURE_APPS]


@pytest.fixture
def safe_app(rule_fixture_apps) -> Iterator[None]:
    """The safe-recipes app, unapplied again at the end whatever the test did."""
    yield
    call_command("migrate", "rules_safe", "zero", verbosity=0)


@pytest.fixture
def other_session(safe_app) -> Iterator[OtherSession]:
    """Released before ``safe_app`` unapplies its migrations, which would wait for its locks."""
    session = OtherSession()
    yield session
    session.close()

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_environ(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-unusual-passphrase")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")


@pytest.mark.usefixtures("superuser_environ")
def test_creates_the_superuser_from_the_environment():
    call_command("ensure_superuser")

    user = User.objects.get(username="admin")
    assert user.is_staff
    assert user.is_superuser
    assert user.check_password("a-long-unusual-passphrase")


@pytest.mark.usefixtures("superuser_environ")
def test_a_second_run_keeps_the_existing_user_and_its_password():
    UserFactory(username="admin")

    call_command("ensure_superuser")
    call_command("ensure_superuser")

    assert User.objects.filter(username="admin").count() == 1
    assert User.objects.get(username="admin").check_password(PASSWORD)


def test_without_a_username_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)

    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_USERNAME"):
        call_command("ensure_superuser")

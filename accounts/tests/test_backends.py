"""The signed-in user comes from the data cache, and every saved change to them shows at once."""

import pytest

from accounts.backends import CachedModelBackend
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_is_read_once_then_from_the_cache(django_assert_num_queries):
    user = UserFactory()
    backend = CachedModelBackend()

    with django_assert_num_queries(1):
        assert backend.get_user(user.pk) == user
    with django_assert_num_queries(0):
        assert backend.get_user(user.pk) == user


def test_an_unsaved_change_to_a_request_user_stays_out_of_the_cache():
    user = UserFactory(first_name="Robin")
    backend = CachedModelBackend()

    backend.get_user(user.pk).first_name = "Mallory"

    assert backend.get_user(user.pk).first_name == "Robin"


def test_saved_changes_show_at_once(committed):
    user = UserFactory(first_name="Robin")
    backend = CachedModelBackend()
    assert backend.get_user(user.pk).first_name == "Robin"

    user.first_name = "Sam"
    committed(user.save)
    assert backend.get_user(user.pk).first_name == "Sam"

    user.is_active = False
    committed(user.save)
    assert backend.get_user(user.pk) is None


def test_a_deleted_user_is_nobody(committed):
    user = UserFactory()
    user_id = user.pk
    backend = CachedModelBackend()
    assert backend.get_user(user_id) == user

    committed(user.delete)

    assert backend.get_user(user_id) is None


def test_a_password_change_logs_out_the_users_other_sessions(client, committed):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/orders/").status_code == 200

    user.set_password("a-new-long-passphrase")
    committed(user.save)

    response = client.get("/accounts/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

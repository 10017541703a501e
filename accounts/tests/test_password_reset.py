"""Password reset by email: Django's views at /accounts/password-reset/, in the site's templates."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password-reset")


def test_the_login_page_links_to_password_reset(client):
    assert f'href="{RESET}"' in client.get(reverse("accounts:login")).content.decode()


def test_a_reset_link_by_email_sets_a_new_password(client, mailoutbox):
    user = UserFactory(email="grace@example.com")

    response = client.post(RESET, {"email": "grace@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    [email] = mailoutbox
    assert email.to == ["grace@example.com"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/\S+/)", email.body).group(1)
    form = client.get(link, follow=True)  # Django swaps the token for a session-held one
    assert "Choose a new password" in form.content.decode()
    new = "a-brand-new-passphrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(new)
    assert not user.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.com"})

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mailoutbox == []


def test_a_forged_link_says_it_has_expired(client):
    UserFactory()
    page = client.get(
        reverse("accounts:password-reset-confirm", args=["MQ", "forged-token"]), follow=True
    )

    assert page.status_code == 200
    assert "This link has expired" in page.content.decode()

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cart.models import Cart, CartLine
from cart.services import cart_add
from cart.tests.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db


def age(cart: Cart, *, days: int) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_clearcarts_deletes_idle_anonymous_carts_and_their_lines_only():
    idle_anonymous = CartLineFactory(cart__user=None).cart
    fresh_anonymous = CartFactory(user=None)
    idle_users = CartFactory()
    age(idle_anonymous, days=30)
    age(idle_users, days=30)

    output = StringIO()
    call_command("clearcarts", stdout=output)

    assert "Deleted 1 abandoned" in output.getvalue()
    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh_anonymous.pk, idle_users.pk}
    assert not CartLine.objects.filter(cart_id=idle_anonymous.pk).exists()


def test_a_cart_write_counts_as_activity():
    line = CartLineFactory(cart__user=None)
    age(line.cart, days=30)

    cart_add(cart=line.cart, variant=line.variant, quantity=1)
    call_command("clearcarts", stdout=StringIO())

    assert Cart.objects.filter(pk=line.cart.pk).exists()

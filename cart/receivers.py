"""Signal receivers of the cart app, connected in ``CartConfig.ready``."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cart.models import Cart
from cart.services import cart_merge
from cart.session import pop_anonymous_cart


@receiver(user_logged_in, dispatch_uid="cart.merge_anonymous_cart")
def merge_anonymous_cart(sender, request, user, **kwargs) -> None:
    """What a visitor put in the cart before logging in stays in it afterwards."""
    if request is None or not hasattr(request, "session"):
        return
    anonymous = pop_anonymous_cart(request)
    if anonymous is not None:
        target, _ = Cart.objects.get_or_create(user=user)
        cart_merge(source=anonymous, target=target)

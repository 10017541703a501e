"""
The cart page, the POST endpoints that change it, and checkout.

Views stay thin: forms turn the request into a variant and a quantity, services do the writes, and
bad input is answered with the cart or checkout page showing why, with a 4xx status.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from cart import services
from cart.forms import CartAddForm, CartLineForm, CartUpdateForm, CheckoutForm
from cart.selectors import cart_is_empty, cart_lines, order_for_checkout_token
from cart.session import get_cart, get_or_create_cart


class CartPageMixin(TemplateResponseMixin, ContextMixin):
    template_name = "cart/detail.html"

    def get_context_data(self, **kwargs):
        lines = cart_lines(get_cart(self.request))
        kwargs["lines"] = lines
        kwargs["subtotal"] = sum(line.line_total for line in lines)
        return super().get_context_data(**kwargs)


class CartDetailView(CartPageMixin, TemplateView):
    pass


class CartChangeView(CartPageMixin, View):
    """A POST that changes the cart: redirect to the cart on success, else show it with a 400."""

    http_method_names = ["post"]
    form_class: type[forms.Form]

    def get_form(self) -> forms.Form:
        return self.form_class(self.request.POST, cart=get_cart(self.request))

    def change(self, form: forms.Form) -> str:
        """Apply the change and return the message for the shopper."""
        raise NotImplementedError

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.get_form()
        if form.is_valid():
            try:
                message = self.change(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect("cart:detail")
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return self.render_to_response(self.get_context_data(errors=errors), status=400)


class CartAddView(CartChangeView):
    form_class = CartAddForm

    def get_form(self) -> forms.Form:
        return self.form_class(self.request.POST)

    def change(self, form: forms.Form) -> str:
        variant, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
        services.cart_add(cart=get_or_create_cart(self.request), variant=variant, quantity=quantity)
        return f"Added to your cart: {variant}, quantity {quantity}."


class CartUpdateView(CartChangeView):
    form_class = CartUpdateForm

    def change(self, form: forms.Form) -> str:
        variant = form.cleaned_data["variant"]
        services.cart_set_quantity(
            cart=get_cart(self.request), variant=variant, quantity=form.cleaned_data["quantity"]
        )
        return f"Updated the quantity of {variant}."


class CartRemoveView(CartChangeView):
    form_class = CartLineForm

    def change(self, form: forms.Form) -> str:
        variant = form.cleaned_data["variant"]
        services.cart_remove(cart=get_cart(self.request), variant=variant)
        return f"Removed {variant} from your cart."


class CheckoutView(LoginRequiredMixin, FormView):
    """Shipping details and a pretend payment; placing the order is ``services.place_order``."""

    form_class = CheckoutForm
    template_name = "cart/checkout.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if cart_is_empty(get_cart(request)):
            return self.redirect_to_empty_cart()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        if form.is_valid():
            # A second submit of the same form (a double click, a reload) finds the first order.
            placed = order_for_checkout_token(
                user=request.user, token=form.cleaned_data["checkout_token"]
            )
            if placed is not None:
                return redirect(placed)
        cart = get_cart(request)
        if cart_is_empty(cart):
            return self.redirect_to_empty_cart()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            order = services.place_order(
                cart=cart,
                user=request.user,
                shipping=form.shipping,
                checkout_token=form.cleaned_data["checkout_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(request, "Thank you! Your order is placed.")
        return redirect(order)

    def get_initial(self) -> dict:
        user = self.request.user
        return {"full_name": user.get_full_name(), "email": user.email}

    def get_context_data(self, **kwargs):
        lines = cart_lines(get_cart(self.request))
        kwargs["lines"] = lines
        kwargs["total"] = sum(line.line_total for line in lines)
        return super().get_context_data(**kwargs)

    def redirect_to_empty_cart(self) -> HttpResponse:
        messages.info(self.request, "Your cart is empty: add something before checking out.")
        return redirect("cart:detail")

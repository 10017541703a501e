"""
Sign-up, and the order history. Log-in and log-out are Django's own views (see ``urls``).

Orders are always looked up through the signed-in user, so another user's order number is a 404,
never a 403 that would confirm it exists.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import RedirectURLMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import CreateView, DetailView, ListView

from accounts.forms import SignupForm
from cart.models import Order
from cart.selectors import order_for_user, orders_for_user


class SignupView(RedirectURLMixin, CreateView):
    """Create the account and log straight in, so the cart follows and checkout can go on."""

    form_class = SignupForm
    template_name = "accounts/signup.html"
    next_page = settings.LOGIN_REDIRECT_URL

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        login(self.request, form.save())
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        # As LoginView does, so both templates carry ``next`` the same way.
        kwargs.setdefault(self.redirect_field_name, self.get_redirect_url())
        return super().get_context_data(**kwargs)


class OrderListView(LoginRequiredMixin, ListView):
    template_name = "accounts/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return orders_for_user(self.request.user)


class OrderDetailView(LoginRequiredMixin, DetailView):
    template_name = "accounts/order_detail.html"
    context_object_name = "order"

    def get_object(self, queryset=None) -> Order:
        order = order_for_user(user=self.request.user, number=self.kwargs["number"])
        if order is None:
            raise Http404("No such order.")
        return order

from django.urls import path

from cart import views

app_name = "cart"

urlpatterns = [
    path("cart/", views.CartDetailView.as_view(), name="detail"),
    path("cart/add/", views.CartAddView.as_view(), name="add"),
    path("cart/update/", views.CartUpdateView.as_view(), name="update"),
    path("cart/remove/", views.CartRemoveView.as_view(), name="remove"),
    path("checkout/", views.CheckoutView.as_view(), name="checkout"),
]

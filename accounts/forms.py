from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignupForm(UserCreationForm):
    """Django's sign-up form plus the e-mail address checkout needs and a name to greet."""

    email = forms.EmailField(help_text="Order confirmations go here.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "email"]
        labels = {"first_name": "First name (optional)"}

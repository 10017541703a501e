import functools

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

PASSWORD = "correct-horse-battery"


@functools.cache
def password_hash() -> str:
    """Hash ``PASSWORD`` once: a real hasher is slow on purpose, and tests make many users."""
    return make_password(PASSWORD)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"shopper{n}")
    first_name = factory.Faker("first_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.LazyFunction(password_hash)

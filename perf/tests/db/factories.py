import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class GroupFactory(factory.django.DjangoModelFactory):
    """Groups stand in for catalog rows: the tests let the replicas serve ``auth.group``, so
    perf's tests need no model of the shop."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"group {n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    is_superuser = True

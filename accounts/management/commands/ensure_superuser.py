"""
``python manage.py ensure_superuser``: ``createsuperuser --noinput`` unless that user exists.

Containers run it on every start (docker/web/start.sh), so the account a fresh ``docker compose
up`` promises is there, and a restart neither fails on it nor resets a password changed since.
It reads what ``createsuperuser --noinput`` reads: ``DJANGO_SUPERUSER_USERNAME``,
``DJANGO_SUPERUSER_PASSWORD`` and ``DJANGO_SUPERUSER_EMAIL``.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the superuser named by DJANGO_SUPERUSER_USERNAME unless it exists."

    def handle(self, *args, **options) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        if not username:
            raise CommandError("Set DJANGO_SUPERUSER_USERNAME (and _PASSWORD, _EMAIL).")
        user_model = get_user_model()
        if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
            self.stdout.write(f"Superuser {username} exists.")
            return
        call_command("createsuperuser", interactive=False, stdout=self.stdout)

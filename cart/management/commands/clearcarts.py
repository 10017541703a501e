"""``python manage.py clearcarts``: delete anonymous carts whose sessions have expired.

Run it from cron, as Django's ``clearsessions``: every visitor who adds to a cart leaves a row.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from cart.services import delete_abandoned_carts


class Command(BaseCommand):
    help = "Delete anonymous carts idle for longer than a session lives (SESSION_COOKIE_AGE)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--idle-days",
            type=int,
            default=None,
            help="Idle time before an anonymous cart goes (default: SESSION_COOKIE_AGE).",
        )

    def handle(self, *args, idle_days: int | None, **options):
        idle_for = (
            timedelta(days=idle_days)
            if idle_days is not None
            else timedelta(seconds=settings.SESSION_COOKIE_AGE)
        )
        deleted = delete_abandoned_carts(idle_for=idle_for)
        self.stdout.write(f"Deleted {deleted} abandoned anonymous cart(s).")

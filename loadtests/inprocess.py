"""
Where the in-process benchmarks (``bench_views``, ``bench_rebuild``) run: the shop's own settings,
production-like (DEBUG off), on a throwaway stack of their own (PostgreSQL primary and replicas,
Redis) on free ports, with a freshly seeded catalog. Everything is stopped and deleted at the end,
and nothing another run or ``make serve`` uses is touched.
"""

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loadtests.server import base_environ
from stack.cluster import Stack
from stack.ports import StackPorts


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def shop_on_throwaway_stack(*, products: int) -> Iterator[Stack]:
    """Django set up on a new stack with ``products`` seeded; the stack is gone afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="shop-bench-stack-"))
    stack = Stack(directory, StackPorts.free(), durable=False)
    static_root = Path(tempfile.mkdtemp(prefix="shop-bench-static-"))
    try:
        say("Starting a throwaway stack (PostgreSQL primary, 2 replicas, Redis)...")
        stack.up()
        os.environ.update(base_environ(stack.environ()))
        os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.STATIC_ROOT = static_root
        started = time.perf_counter()
        say(f"Migrating, collecting static files, seeding {products} products...")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_catalog", products=products, seed=1, verbosity=0)
        say(f"Ready in {time.perf_counter() - started:.0f} s.")
        yield stack
    finally:
        stack.destroy()
        shutil.rmtree(static_root, ignore_errors=True)

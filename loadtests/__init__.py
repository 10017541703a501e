"""
Load tests: a Locust shopper mix and the runner behind ``make bench`` and ``make failover-demo``.

``locustfile.py`` is what Locust loads (in its own process, never inside Django's): the
``shoppers`` with the ``known_pages`` they share, the task ``mix`` and its ``options``; ``pages``
and ``servertiming`` are the plain-Python helpers they read responses with. ``scenarios`` holds the
scenarios as data, ``suites`` groups them with their ``goals``; ``runner`` starts the stack,
gunicorn and Locust for each; ``results`` holds what a run measured (every result type), and
``samples``, ``report`` and ``charts`` turn it into ``summary.md``, ``summary.json`` and PNGs.
"""

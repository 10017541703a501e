"""
Load tests: a Locust shopper mix and the runner behind ``make bench`` and ``make failover-demo``.

``locustfile.py`` is what Locust loads (in its own process, never inside Django's); ``pages`` and
``servertiming`` are the plain-Python helpers it reads responses with. ``scenarios`` holds the
scenarios as data; ``runner`` starts the stack, gunicorn and Locust for each; ``samples``,
``report`` and ``charts`` turn what Locust recorded into ``summary.md``, ``summary.json`` and PNGs.
"""

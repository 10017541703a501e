"""
A realistic shopper mix for the shop, on Locust's ``FastHttpUser``: what Locust loads.

    locust -f loadtests/locustfile.py --host http://127.0.0.1:8000

run from the repository root, against ``make serve``, docker compose or any host. Options (each
also an environment variable, see ``locust --help`` and ``loadtests/options.py``): ``--mix`` task
weights, ``--wait-min`` and ``--wait-max`` think time, ``--shop-users``/``--shop-user-prefix``/
``--shop-password`` accounts to log in with (without them customers sign up), ``--samples-csv``
to record every request for ``python -m loadtests.bench``.

The shoppers are in ``shoppers.py``, the pages they know in ``known_pages.py``, the mix in
``mix.py``; this module puts them together with the listeners Locust calls.
"""

from locust import events, stats

from loadtests import options, recorder
from loadtests.mix import DEFAULT_MIX, parse_mix, use_mix
from loadtests.shoppers import Customer, Shopper

__all__ = ["Customer", "Shopper", "options"]

# Flush the --csv files every second (Locust's default is 5): the bench runner's progress bar
# reads the stats history while the test runs.
stats.CSV_STATS_FLUSH_INTERVAL_SEC = 1


@events.init.add_listener
def apply_mix(environment, **kwargs) -> None:
    """Apply ``--mix`` once the options are parsed; Locust filters tags after this."""
    if environment.parsed_options is not None:
        use_mix(Shopper, parse_mix(environment.parsed_options.mix))


events.test_start.add_listener(recorder.start_recording)

use_mix(Shopper, parse_mix(DEFAULT_MIX))

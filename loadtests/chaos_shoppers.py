"""
The shoppers of ``make chaos``: the locustfile's anonymous shoppers and signed-in customers, who
browse, fill carts and check out, with two habits of real people added.

- They give up on a page after ``GIVE_UP_AFTER`` seconds (Locust waits a minute by default): a
  request still running then counts as failed, a timeout.
- A customer whose order did not go through (an error page, no answer) submits the same form
  again a moment later, as a person does. The form's checkout token makes that safe: the shop
  places the order at most once, and a second submit finds it.

    locust -f loadtests/chaos_shoppers.py --host http://127.0.0.1:8000

Options as for ``loadtests/locustfile.py``, whose listeners (``--mix``, ``--samples-csv``) this
module brings along by importing it.
"""

import time

from loadtests import locustfile, shoppers

__all__ = ["locustfile"]  # its listeners: --mix, --samples-csv

GIVE_UP_AFTER = 10.0
PLACE_ORDER = "/checkout/ (place order)"
AGAIN = 2
# Seconds before submitting again: the Retry-After a read-only shop sends is a few seconds.
AGAIN_AFTER = 2.0


class ChaosShopper(shoppers.Shopper):
    network_timeout = GIVE_UP_AFTER
    connection_timeout = GIVE_UP_AFTER


class ChaosCustomer(shoppers.Customer):
    network_timeout = GIVE_UP_AFTER
    connection_timeout = GIVE_UP_AFTER

    def submit(self, form, name: str, referer: str) -> str | None:
        target = super().submit(form, name, referer)
        for _ in range(AGAIN if name == PLACE_ORDER else 0):
            # Refused (out of stock, say) is an answer; only a failure is worth another try.
            if target is not None or self.last_status in (400, 409):
                break
            time.sleep(AGAIN_AFTER)  # gevent's, under Locust: other users go on meanwhile
            target = super().submit(form, f"{name} again", referer)
        return target

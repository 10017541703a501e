"""What the multi-level cache stores for a value: when it stops being fresh, and what it cost."""

import math
import random
from dataclasses import dataclass
from typing import Any

#: How much earlier than its expiry XFetch may refresh a value, in units of its compute time.
XFETCH_BETA = 1.0


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached value, when it stops being fresh (epoch seconds), and how long it took to make."""

    value: Any
    fresh_until: float
    compute_seconds: float

    def is_fresh(self, now: float) -> bool:
        return now < self.fresh_until

    def is_due(self, now: float) -> bool:
        """Expired, or picked for an early refresh (XFetch: more likely as expiry nears)."""
        early = -self.compute_seconds * XFETCH_BETA * math.log(1.0 - random.random())
        return now + early >= self.fresh_until

"""
Stock states shown to shoppers, and the signal sent when stock moves.

The thresholds live here, in one place, because two parts depend on them agreeing: the pages that
show a badge (in stock / low / out) and the page cache, which only needs to invalidate a page when a
stock change crosses one of these thresholds.
"""

from enum import StrEnum

from django.dispatch import Signal

#: At or below this many units (and above zero) a variant is shown as "low stock".
LOW_STOCK_THRESHOLD = 5


class StockState(StrEnum):
    IN_STOCK = "in-stock"
    LOW = "low"
    OUT = "out"

    @property
    def label(self) -> str:
        return {"in-stock": "In stock", "low": "Low stock", "out": "Out of stock"}[self.value]


def stock_state(quantity: int | None) -> StockState:
    """The state a shopper sees for ``quantity`` units on hand."""
    if not quantity or quantity <= 0:
        return StockState.OUT
    if quantity <= LOW_STOCK_THRESHOLD:
        return StockState.LOW
    return StockState.IN_STOCK


#: Sent after stock of some variants changed (checkout, restocking), with ``variant_ids=`` (a
#: collection of ProductVariant primary keys). Send it once the change is committed.
stock_changed = Signal()

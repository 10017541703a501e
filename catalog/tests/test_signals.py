import pytest

from catalog.signals import LOW_STOCK_THRESHOLD, StockState, stock_state


@pytest.mark.parametrize(
    ("quantity", "state"),
    [
        (None, StockState.OUT),
        (-1, StockState.OUT),
        (0, StockState.OUT),
        (1, StockState.LOW),
        (LOW_STOCK_THRESHOLD, StockState.LOW),
        (LOW_STOCK_THRESHOLD + 1, StockState.IN_STOCK),
        (10_000, StockState.IN_STOCK),
    ],
)
def test_stock_state_thresholds(quantity, state):
    assert stock_state(quantity) == state


def test_stock_states_have_a_label_and_a_css_name():
    assert [(str(s), s.label) for s in StockState] == [
        ("in-stock", "In stock"),
        ("low", "Low stock"),
        ("out", "Out of stock"),
    ]

"""
Prices as the shop's visitors read them, in ``settings.SHOP_CURRENCY`` (an ISO 4217 code).

Babel (the CLDR data) knows each currency's symbol and decimals and where the locale of
``LANGUAGE_CODE`` puts the symbol and its separators: ``$1,234.50``, ``¥1,235``, ``1.234,50 €``.
Its formatter takes ~40 µs a price, a millisecond on a grid of cards, so the format is read from
it once per currency and locale and applied with Python's own (~2 µs).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    UnknownCurrencyError,
    get_currency_precision,
    get_currency_symbol,
    parse_pattern,
    validate_currency,
)
from django.conf import settings
from django.core import checks
from django.utils.translation import to_locale


@dataclass(frozen=True)
class CurrencyFormat:
    """What CLDR says about writing amounts of one currency in one locale."""

    prefix: str
    suffix: str
    negative_prefix: str
    negative_suffix: str
    digits: int
    group: str
    decimal: str

    def format(self, amount: Decimal | int) -> str:
        number = f"{abs(Decimal(amount)):,.{self.digits}f}"
        number = number.translate({ord(","): self.group, ord("."): self.decimal})
        if amount < 0:
            return f"{self.negative_prefix}{number}{self.negative_suffix}"
        return f"{self.prefix}{number}{self.suffix}"


@cache
def currency_format(code: str, language_code: str) -> CurrencyFormat:
    """The format of ``code`` amounts for readers of ``language_code`` (``"en-us"``)."""
    locale = Locale.parse(to_locale(language_code))
    pattern = parse_pattern(locale.currency_formats["standard"])
    symbol = get_currency_symbol(code, locale)
    affixes = [affix.replace("¤", symbol) for affix in (*pattern.prefix, *pattern.suffix)]
    return CurrencyFormat(
        prefix=affixes[0],
        negative_prefix=affixes[1],
        suffix=affixes[2],
        negative_suffix=affixes[3],
        digits=get_currency_precision(code),
        group=locale.number_symbols["latn"]["group"],
        decimal=locale.number_symbols["latn"]["decimal"],
    )


def format_price(amount: Decimal | int) -> str:
    """``amount`` in the shop's currency: ``Decimal("1234.5")`` -> ``$1,234.50`` for USD."""
    return currency_format(settings.SHOP_CURRENCY, settings.LANGUAGE_CODE).format(amount)


@checks.register
def check_currency(**kwargs) -> list[checks.CheckMessage]:
    """An unknown SHOP_CURRENCY stops ``migrate`` and ``runserver`` rather than the first page."""
    try:
        validate_currency(settings.SHOP_CURRENCY)
    except UnknownCurrencyError:
        return [
            checks.Error(
                f"SHOP_CURRENCY={settings.SHOP_CURRENCY!r} is not an ISO 4217 currency code.",
                hint='Set it to a code such as "USD", "EUR" or "GBP".',
                id="catalog.E001",
            )
        ]
    return []

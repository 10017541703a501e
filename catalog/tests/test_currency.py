from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template
from django.urls import reverse

from catalog.currency import currency_format, format_price


@pytest.mark.parametrize(
    ("currency", "language", "expected"),
    [
        ("USD", "en-us", "$1,234.50"),
        ("EUR", "en-us", "€1,234.50"),
        ("GBP", "en-gb", "£1,234.50"),
        ("JPY", "en-us", "¥1,234"),  # no minor unit
        ("EUR", "de-de", "1.234,50\xa0€"),  # the symbol after, German separators
    ],
)
def test_a_price_is_written_as_the_currency_and_language_write_it(currency, language, expected):
    assert currency_format(currency, language).format(Decimal("1234.50")) == expected


def test_a_negative_amount_keeps_its_sign_before_the_symbol():
    assert currency_format("USD", "en-us").format(Decimal("-3.5")) == "-$3.50"


def test_the_money_filter_follows_shop_currency(settings):
    template = Template("{% load storefront %}{{ price|money }}|{{ none|money }}")

    settings.SHOP_CURRENCY = "GBP"
    assert template.render(Context({"price": Decimal("9.99"), "none": None})) == "£9.99|"
    settings.SHOP_CURRENCY = "USD"
    assert format_price(Decimal("9.99")) == "$9.99"


@pytest.mark.django_db
def test_pages_show_prices_in_shop_currency_and_no_dollar_sign(
    settings, client, tree, product_maker
):
    settings.SHOP_CURRENCY = "EUR"
    product = product_maker(category=tree["shirts"], price="54.32")

    for url in (reverse("home"), tree["shirts"].get_absolute_url(), product.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "$" not in page, url
        assert "€" in page, url
    assert "€54.32" in client.get(product.get_absolute_url()).content.decode()


def test_an_unknown_currency_stops_the_checks(settings):
    settings.SHOP_CURRENCY = "DOLLARS"

    with pytest.raises(SystemCheckError, match=r"catalog\.E001"):
        call_command("check")

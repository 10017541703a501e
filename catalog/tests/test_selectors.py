import pytest

from catalog import selectors
from catalog.forms import SORT_CHOICES

pytestmark = pytest.mark.django_db


def test_category_tree_links_parents_children_and_counts(tree, product_maker):
    product_maker(category=tree["shirts"])
    product_maker(category=tree["shirts"])
    product_maker(category=tree["women"])
    product_maker(category=tree["women"], is_active=False)

    categories = selectors.category_tree()

    assert [c.name for c in categories.roots] == ["Clothing", "Footwear"]
    clothing = categories.by_slug["clothing"]
    assert [c.name for c in clothing.subcategories] == ["Men", "Women"]
    assert clothing.product_count == 3
    assert categories.by_slug["men"].product_count == 2
    assert categories.by_slug["footwear"].product_count == 0
    assert [c.name for c in categories.ancestors(categories.by_slug["shirts"])] == [
        "Clothing",
        "Men",
    ]
    assert set(categories.descendant_ids(clothing)) == {
        tree[name].pk for name in ("clothing", "men", "shirts", "women")
    }


def test_product_cards_show_the_cheapest_active_price_and_total_stock(tree, product_maker):
    product = product_maker(category=tree["shirts"], price=["30.00", "20.00"], stock=4)

    card = selectors.product_cards().get(pk=product.pk)

    assert card.price_from == 20
    assert card.stock_total == 8
    assert card.card_picture == card.images.first().image


def test_every_sort_choice_has_an_ordering():
    assert [key for key, _ in SORT_CHOICES] == list(selectors.SORTS)

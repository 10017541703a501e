import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from PIL import Image

from catalog import cache
from catalog.demo_images import draw, ensure_demo_images
from catalog.renditions import WIDTHS, rendition_name
from catalog.tests.factories import ProductImageFactory

pytestmark = pytest.mark.django_db


def candidates(html: str, css_class: str) -> list[tuple[str, int]]:
    """The (URL, width) pairs of the srcset of the first <img> with ``css_class`` (or any)."""
    tag = re.search(rf"<img[^>]*{css_class}[^>]*>", html).group(0)
    srcset = re.search(r'srcset="([^"]*)"', tag).group(1)
    return [(url, int(width[:-1])) for url, width in (c.split() for c in srcset.split(", "))]


def media_file(url: str, media_root: Path) -> Path:
    return media_root / url.removeprefix("/media/")


def test_a_saved_picture_gets_a_rendition_per_width_narrower_than_itself(media_root):
    upload = SimpleUploadedFile("shoe.jpg", draw("shoe", "Navy"), content_type="image/jpeg")

    image = ProductImageFactory(image=upload)

    widths = [w for w in WIDTHS if (media_root / rendition_name(image.image.name, w)).exists()]
    assert widths == [160, 320, 480]  # the picture is 560 wide: no 960
    with Image.open(media_root / rendition_name(image.image.name, 320)) as rendition:
        assert rendition.size == (320, 320)


def test_a_card_offers_its_renditions_in_srcset_each_an_existing_file(
    media_root, tree, product_maker
):
    ensure_demo_images()
    product = product_maker(category=tree["shirts"])

    html = render_to_string("includes/product_card.html", {"product": cache.cards([product.pk])[0]})

    srcset = candidates(html, "")
    assert [width for _, width in srcset] == [160, 320, 480]
    assert all(media_file(url, media_root).is_file() for url, _ in srcset)
    assert 'src="/media/' + rendition_name(product.images.get().image.name, 320) in html
    assert 'sizes="' in html


def test_the_product_page_shows_the_large_picture_and_offers_it_widest(
    client, media_root, tree, product_maker
):
    ensure_demo_images()
    product = product_maker(category=tree["shirts"], images=2)
    first, second = product.images.all()

    html = client.get(product.get_absolute_url()).content.decode()

    assert f'class="product__image" src="{first.image.url}"' in html
    srcset = candidates(html, 'class="product__image"')
    assert srcset[-1] == (first.image.url, 560)
    assert all(media_file(url, media_root).is_file() for url, _ in srcset)
    assert f'class="product__thumb" src="/media/{rendition_name(second.image.name, 160)}"' in html


def test_a_picture_without_renditions_still_shows_in_full(tree, product_maker):
    product = product_maker(category=tree["shirts"])  # its file was never written

    html = render_to_string("includes/product_card.html", {"product": cache.cards([product.pk])[0]})

    assert f'src="{product.images.get().image.url}"' in html
    assert "srcset" not in html

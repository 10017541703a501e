import pytest
from django.template import Context, Template, TemplateSyntaxError

from perf.twopass.holes import (
    CSRF_HOLE,
    CachedPage,
    PassOneState,
    csrf_marker,
    hole_marker,
)


def test_a_page_is_cut_at_its_markers_and_filled_in_order():
    state = PassOneState()
    html = f"<b>{state.mark('user.html')}</b><input value={csrf_marker()}>{state.mark('cart.html')}"

    page = CachedPage.from_html(html, state, status=200, content_type="text/html")

    assert page.holes == ("user.html", CSRF_HOLE, "cart.html")
    filled = page.fill(lambda hole: f"[{hole}]")
    assert filled == "<b>[user.html]</b><input value=[:csrf_token:]>[cart.html]"


def test_each_hole_is_rendered_once_per_page():
    state = PassOneState()
    html = f"{csrf_marker()} {csrf_marker()} {state.mark('user.html')}"
    rendered = []

    CachedPage.from_html(html, state, status=200, content_type="text/html").fill(
        lambda hole: rendered.append(hole) or "x"
    )

    assert rendered == [CSRF_HOLE, "user.html"]


def test_marker_text_without_the_secret_nonce_is_left_alone():
    forged = "<!--twopass-hole:0123456789abcdef0123:0--> twopass-csrf-0123456789abcdef0123"

    page = CachedPage.from_html(forged, PassOneState(), status=200, content_type="text/html")

    assert page.holes == ()
    assert page.fill(str) == forged
    assert hole_marker(0) not in forged


def test_outside_pass_one_a_hole_is_an_include():
    template = Template('{% load twopass %}<p>{% hole "twopass_tests/basket.html" %}</p>')

    html = template.render(Context({"basket": ["tea", "mug"]}))

    assert html == '<p><span class="basket">tea, mug</span>\n</p>'


def test_a_hole_needs_one_quoted_template_name():
    with pytest.raises(TemplateSyntaxError, match="quoted template name"):
        Template("{% load twopass %}{% hole name %}")

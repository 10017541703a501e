from loadtests.pages import forms, hrefs

PRODUCT = """
<header><form action="/search/" method="get"><input name="q" value=""></form>
  <form action="/accounts/logout/" method="post">
    <input type="hidden" name="csrfmiddlewaretoken" value="logout-token"></form></header>
<a href="/c/shirts/">Shirts</a> <a class="card" href="/p/blue-oxford-shirt/">Blue Oxford</a>
<a href="/p/blue-oxford-shirt/">again</a> <a href="?page=2&amp;sort=price">2</a>
<FORM action="/cart/add/?next=/cart/" method="POST">
  <input type="hidden" name="csrfmiddlewaretoken" value="abc123">
  <select name="variant">
    <option value="7">S</option>
    <option value="8" disabled>M (out of stock)</option>
    <option value="9" selected>L</option>
  </select>
  <input type="number" name="quantity" value="1">
  <label><input type="radio" name="gift" value="no" checked>No</label>
  <label><input type="radio" name="gift" value="yes">Yes</label>
  <input type="checkbox" name="in_stock" value="1">
  <textarea name="note">Leave at the door</textarea>
  <button type="submit">Add to cart</button>
</FORM>
"""


def test_links_are_found_by_prefix_deduplicated_with_entities_decoded():
    content = PRODUCT.encode()

    assert hrefs(content, "/p/") == ["/p/blue-oxford-shirt/"]
    assert hrefs(content, "/c/") == ["/c/shirts/"]
    assert hrefs(content, "?") == ["?page=2&sort=price"]


def test_form_values_are_what_a_browser_would_send_untouched():
    (form,) = forms(PRODUCT, action="/cart/add/")

    assert form.method == "post"
    assert form.values == {
        "csrfmiddlewaretoken": "abc123",
        "variant": "9",
        "quantity": "1",
        "gift": "no",
        "note": "Leave at the door",
    }


def test_disabled_options_are_not_offered_as_choices():
    (form,) = forms(PRODUCT, action="/cart/add/")

    assert form.choices == {"variant": ["7", "9"], "gift": ["no", "yes"], "in_stock": ["1"]}
    assert form.kinds["in_stock"] == "checkbox"


def test_forms_are_found_by_action_path_and_all_without_one():
    page = '<form action="/checkout/?step=2" method="post"></form><form></form>'

    assert len(forms(page, action="/checkout/")) == 1
    assert len(forms(page, action="")) == 1
    assert forms(page, action="/cart/add/") == []
    assert [form.action for form in forms(PRODUCT)] == [
        "/search/",
        "/accounts/logout/",
        "/cart/add/?next=/cart/",
    ]

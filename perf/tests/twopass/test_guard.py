import pytest

from perf.twopass import PassOneLeak
from perf.twopass.guard import Forbidden, guard_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "template",
    [
        "user",
        "if_user",
        "perms",
        "messages",
        "basket",
        "request_user",
        "request_session",
        "request_cookies",
        "request_meta_csrf",
    ],
)
def test_a_pass_one_template_reading_per_user_data_raises(client, template):
    with pytest.raises(PassOneLeak):
        client.get(f"/leaky/?template={template}")


@pytest.mark.parametrize(
    "url",
    [
        "/user-in-view/",
        "/session-in-view/",
        "/message-in-view/",
        "/csrf-in-view/",
        "/cookie-in-view/",
        "/cookie-header-in-view/",
    ],
)
def test_a_pass_one_view_reading_per_user_data_raises(client, url):
    with pytest.raises(PassOneLeak):
        client.get(url)


def test_a_pass_one_response_setting_a_cookie_is_refused(client):
    with pytest.raises(PassOneLeak, match="cookies"):
        client.get("/sets-cookie/")


def test_the_guard_leaves_the_real_request_intact(rf):
    request = rf.get("/p/kettle/?q=tea", HTTP_COOKIE="sessionid=abc", HTTP_USER_AGENT="curl")
    request.user = "alice"

    guarded = guard_request(request)

    assert guarded.GET["q"] == "tea"
    assert guarded.get_full_path() == "/p/kettle/?q=tea"
    assert guarded.headers["User-Agent"] == "curl"
    with pytest.raises(PassOneLeak):
        guarded.user  # noqa: B018
    with pytest.raises(PassOneLeak):
        guarded.META["HTTP_COOKIE"]
    with pytest.raises(PassOneLeak):
        guarded.headers["cookie"]
    assert "sessionid" not in repr(dict(guarded.META.items()))
    assert request.user == "alice"
    assert request.META["HTTP_COOKIE"] == "sessionid=abc"


def test_hasattr_cannot_hide_a_leak(rf):
    guarded = guard_request(rf.get("/"))

    with pytest.raises(PassOneLeak):
        hasattr(guarded, "session")


def test_a_guard_value_raises_on_use_but_has_a_safe_repr():
    guard = Forbidden("user")

    assert repr(guard) == "<pass-one guard for 'user'>"
    for use in (str, bool, len, iter, lambda g: g.username, lambda g: g["x"]):
        with pytest.raises(PassOneLeak):
            use(guard)

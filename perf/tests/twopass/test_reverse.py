from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import path, reverse, set_script_prefix
from django.utils import translation

from perf.twopass.reverse import cached_reverse


def elsewhere(request):
    return HttpResponse()


# A second URLconf where "page" lives somewhere else, under a language prefix.
urlpatterns = i18n_patterns(path("elsewhere/", elsewhere, name="page"))


def test_the_url_is_what_reverse_gives():
    assert cached_reverse("page") == reverse("page") == "/page/"
    assert cached_reverse("page") == "/page/"


def test_each_script_prefix_has_its_own_url():
    assert cached_reverse("page") == "/page/"
    set_script_prefix("/shop/")
    try:
        assert cached_reverse("page") == "/shop/page/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("page") == "/page/"


def test_a_new_urlconf_and_each_language_have_their_own_url(settings):
    assert cached_reverse("page") == "/page/"

    settings.ROOT_URLCONF = __name__

    with translation.override("en"):
        assert cached_reverse("page") == "/en/elsewhere/"
    with translation.override("fr"):
        assert cached_reverse("page") == "/fr/elsewhere/"


def test_the_tag_renders_what_the_url_tag_renders():
    request = RequestFactory().get("/page/")
    template = Template("{% load twopass %}{% cached_url 'page' %}|{% url 'page' %}")

    cached, plain = template.render(RequestContext(request)).split("|")

    assert cached == plain == "/page/"
    assert template.render(Context()) == "/page/|/page/"

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from catalog.recently_viewed import COOKIE, remember, viewed_slugs
from perf.twopass import PassOneLeak, guard_request


def request_with_cookie(*slugs: str):
    response = HttpResponse()
    for slug in reversed(slugs):
        request = RequestFactory().get("/")
        if COOKIE in response.cookies:
            request.COOKIES[COOKIE] = response.cookies[COOKIE].value
        remember(request, response, slug)
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = response.cookies[COOKIE].value
    return request


def test_the_cookie_signature_is_checked_once_per_request():
    request = request_with_cookie("linen", "flannel")

    with mock.patch.object(request, "get_signed_cookie", wraps=request.get_signed_cookie) as check:
        first, second = viewed_slugs(request), viewed_slugs(request)

    assert first == second == ("linen", "flannel")
    assert check.call_count == 1


def test_a_cookie_changed_on_the_request_is_read_again():
    request = request_with_cookie("linen")
    viewed_slugs(request)

    request.COOKIES[COOKIE] = request_with_cookie("flannel").COOKIES[COOKIE]

    assert viewed_slugs(request) == ("flannel",)


def test_pass_one_cannot_read_the_remembered_slugs():
    request = request_with_cookie("linen")
    viewed_slugs(request)

    with pytest.raises(PassOneLeak):
        viewed_slugs(guard_request(request))

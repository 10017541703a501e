"""
The guard that keeps pass one impersonal: reading the user, the session, messages, cookies or the
CSRF token while rendering the shared page raises ``PassOneLeak``.

Pass one renders with a copy of the request whose class forbids those attributes, and with guard
objects in place of what the per-user context processors would provide (``user``, ``perms``,
``messages``, the cart...). A template or a view that reaches for them fails in the tests, instead
of caching one shopper's name for everyone, and that guarantee is what lets the cached page go
without ``Vary: Cookie``.
"""

import copy
from functools import cache
from typing import Any, NoReturn

from django.http import HttpRequest, QueryDict
from django.http.request import HttpHeaders

from perf.twopass.keys import normalised_query

#: Request attributes that carry who the visitor is.
FORBIDDEN_ATTRIBUTES = ("user", "auser", "session", "_messages", "COOKIES", "_cached_user")
#: WSGI environ keys that carry it (the CSRF middleware keeps the token's secret in CSRF_COOKIE).
FORBIDDEN_META = frozenset(
    {
        "HTTP_COOKIE",
        "HTTP_AUTHORIZATION",
        "HTTP_X_CSRFTOKEN",
        "CSRF_COOKIE",
        "CSRF_COOKIE_NEEDS_UPDATE",
        "REMOTE_USER",
    }
)
FORBIDDEN_HEADERS = frozenset(
    name for key in FORBIDDEN_META if (name := HttpHeaders.parse_header_name(key))
)


class PassOneLeak(Exception):
    """Pass one touched per-user data that would end up in a page cached for everyone.

    Not an AttributeError on purpose: ``hasattr()`` and the template engine would swallow it.
    """


def _leak(what: str) -> NoReturn:
    raise PassOneLeak(
        f"{what} was used while rendering a cached page (pass one). Per-user content belongs in "
        "a hole filled in pass two: {% hole 'template.html' %} or {% csrf_token %}."
    )


def _forbidden_attribute(name: str) -> property:
    def get(request: HttpRequest) -> NoReturn:
        _leak(f"request.{name}")

    def set_(request: HttpRequest, value: Any) -> NoReturn:
        _leak(f"request.{name}")

    return property(get, set_)


class GuardedMeta(dict):
    """``request.META`` without the keys that identify the visitor; asking for one raises."""

    def __init__(self, meta: dict[str, Any]) -> None:
        super().__init__((key, value) for key, value in meta.items() if key not in FORBIDDEN_META)

    def _check(self, key: object) -> None:
        if key in FORBIDDEN_META:
            _leak(f"request.META[{key!r}]")

    def __getitem__(self, key: str) -> Any:
        self._check(key)
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._check(key)
        super().__setitem__(key, value)

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)


class GuardedHeaders(HttpHeaders):
    def __getitem__(self, key: str) -> str:
        if key.replace("_", "-").title() in FORBIDDEN_HEADERS:
            _leak(f"request.headers[{key!r}]")
        return super().__getitem__(key)


@cache
def _guarded_class(request_class: type[HttpRequest]) -> type[HttpRequest]:
    attributes: dict[str, Any] = {name: _forbidden_attribute(name) for name in FORBIDDEN_ATTRIBUTES}
    attributes["headers"] = property(lambda request: GuardedHeaders(request.META))
    return type(f"PassOne{request_class.__name__}", (request_class,), attributes)


def guard_request(request: HttpRequest) -> HttpRequest:
    """A copy of ``request`` for pass one; the real one is left untouched for pass two.

    The copy carries only the query parameters the page key holds: a parameter left out of the
    key (``utm_source``) would otherwise be written into links of a page served to everybody.
    """
    guarded = copy.copy(request)
    # Properties on the class win over the copied instance attributes set by the middleware.
    guarded.__class__ = _guarded_class(type(request))
    query = normalised_query(request.GET)
    guarded.META = GuardedMeta({**request.META, "QUERY_STRING": query})
    guarded.GET = QueryDict(query, encoding=request.encoding)
    return guarded


class Forbidden:
    """Stands in pass one for a value a per-user context processor provides: any use raises."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:  # safe, for debug pages and tracebacks
        return f"<pass-one guard for {self._name!r}>"

    def __getattr__(self, attribute: str) -> NoReturn:
        _leak(f"{{{{ {self._name}.{attribute} }}}}")

    def __getitem__(self, key: object) -> NoReturn:
        _leak(f"{{{{ {self._name}.{key} }}}}")

    def __str__(self) -> NoReturn:
        _leak(f"{{{{ {self._name} }}}}")

    def __bool__(self) -> NoReturn:
        _leak(f"{{% if {self._name} %}}")

    def __iter__(self) -> NoReturn:
        _leak(f"{{% for ... in {self._name} %}}")

    def __len__(self) -> NoReturn:
        _leak(f"{{{{ {self._name}|length }}}}")

    def __contains__(self, item: object) -> NoReturn:
        _leak(f"{{% if ... in {self._name} %}}")

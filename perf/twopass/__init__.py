"""
Two-pass caching for class-based views: pass one renders and caches everything that is the same
for every visitor; pass two fills the per-user holes on every request. No AJAX.

- ``mixin``: ``TwoPassCacheMixin``, the view side.
- ``guard``: pass one cannot read the user, the session, messages, cookies or the CSRF token.
- ``holes``: markers left by ``{% hole %}`` and ``{% csrf_token %}``, filled in pass two.
- ``render``: pass one's template rendering, with impersonal context processors only.
- ``keys``: page keys (path, query, language, template version; generations come from
  ``perf.cache``).

``docs/two-pass-caching.md`` explains the design and the pitfalls it handles.
"""

from perf.twopass.guard import PassOneLeak, guard_request
from perf.twopass.keys import template_version
from perf.twopass.mixin import ALL_PAGES, TwoPassCacheMixin

__all__ = ["ALL_PAGES", "PassOneLeak", "TwoPassCacheMixin", "guard_request", "template_version"]

"""
Page keys, built here rather than by Django's cache middleware: the scheme and host, the path, the
normalised query string, the language, the template version and the view's own version. The data
generations are added by the page cache itself (see ``perf.cache``).

Nothing from the visitor goes into a key (no cookie, no ``Vary``): pass one cannot read anything
personal, so one entry serves everybody. Everything that changes what pass one renders must be in
it; Django's page cache shipped several security fixes for keys that missed a header.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, QueryDict
from django.template.autoreload import get_template_directories
from django.utils import autoreload
from django.utils.http import urlencode
from django.utils.translation import get_language

from perf.conf import get_config


def normalised_query(query: QueryDict) -> str:
    """The query string with parameters sorted by name and analytics tags left out.

    Values keep their order: a view reading ``getlist()`` may depend on it.
    """
    ignored = set(get_config()["PAGE_IGNORED_QUERY_PARAMS"])
    names = sorted(name for name in query if name not in ignored)
    return urlencode([(name, value) for name in names for value in query.getlist(name)])


@cache
def template_version() -> str:
    """A hash of every project template: a deploy that changes one retires every cached page."""
    digest = hashlib.blake2b(digest_size=8)
    for directory in sorted(get_template_directories()):
        for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def page_key(request: HttpRequest, *, view_version: str = "") -> str:
    parts = (
        request.scheme,
        request.get_host(),
        request.path,
        normalised_query(request.GET),
        get_language() or "",
        template_version(),
        get_config()["PAGE_VERSION"],
        view_version,
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@receiver(autoreload.file_changed)
def _template_changed(*, file_path: Path, **kwargs) -> None:
    if any(directory in file_path.parents for directory in get_template_directories()):
        template_version.cache_clear()


@receiver(setting_changed)
def _templates_changed(*, setting: str, **kwargs) -> None:
    if setting in {"TEMPLATES", "INSTALLED_APPS"}:
        template_version.cache_clear()

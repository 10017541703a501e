"""
What a browser reads from a page: its links and its forms.

The shopper mix finds real slugs by following links and submits forms with the values the page
offers (the CSRF token in the hidden input, the variant choices of a product), so it keeps working
whatever the catalog holds. Locust's process reads thousands of pages a second and must not
import Django, so links come from a regular expression over the raw bytes, and ``html.parser``
only reads the ``<form>`` blocks a task is about to submit.
"""

import functools
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

FORM_BLOCK = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r'\baction\s*=\s*"([^"]*)"', re.IGNORECASE)


@dataclass
class Form:
    """A form's submittable fields: ``values`` as a browser would send them untouched,
    ``choices`` the enabled options of each select, radio group or checkbox."""

    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def choose(self, name: str, value: str) -> None:
        self.values[name] = value


class FormParser(HTMLParser):
    """Collect the forms of an HTML fragment with their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select:
            self._option(attributes)
        elif "name" in attributes:
            self._field(tag, attributes)

    def _field(self, tag: str, attributes: dict[str, str]) -> None:
        form, name = self._form, attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            form.kinds.setdefault(name, kind)
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"radio", "checkbox"}:
                if "disabled" not in attributes:
                    form.choices.setdefault(name, []).append(attributes.get("value", "on"))
                if "checked" in attributes:
                    form.values[name] = attributes.get("value", "on")
                return
            form.values[name] = attributes.get("value", "")
        elif tag == "select":
            form.kinds[name] = "select"
            form.choices.setdefault(name, [])
            self._select = name
        elif tag == "textarea":
            form.kinds[name] = "textarea"
            form.values[name] = ""
            self._textarea = name

    def _option(self, attributes: dict[str, str]) -> None:
        if "disabled" in attributes or "value" not in attributes:
            return
        form, value = self._form, attributes["value"]
        form.choices[self._select].append(value)
        if "selected" in attributes or self._select not in form.values:
            form.values[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form.values[self._textarea] += data


def forms(page: str, action: str | None = None) -> list[Form]:
    """The page's forms, or only those submitting to ``action`` (a path, its query ignored;
    ``""`` is a form without an action, which submits to the page itself)."""
    parser = FormParser()
    for block in FORM_BLOCK.finditer(page):
        target = ACTION.search(block.group(1))
        if action is None or (target.group(1) if target else "").split("?")[0] == action:
            parser.feed(block.group(0))
    parser.close()
    return parser.forms


@functools.cache
def _href_pattern(prefix: str) -> re.Pattern:
    return re.compile(rb'href="(' + re.escape(prefix.encode()) + rb'[^"#]*)"')


def hrefs(content: bytes, prefix: str) -> list[str]:
    """Distinct link targets starting with ``prefix``, in page order, entities decoded."""
    found = (html.unescape(match.decode()) for match in _href_pattern(prefix).findall(content))
    return list(dict.fromkeys(found))

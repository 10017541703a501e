"""
Holes: the per-user parts of a cached page, marked in pass one and filled in pass two.

Pass one writes a marker where a hole goes: ``{% hole "includes/minicart.html" %}`` writes an HTML
comment holding the hole's number, and ``{% csrf_token %}`` writes a placeholder instead of the
token. ``CachedPage.from_html`` cuts the HTML at the markers once, when the page is stored; pass
two joins the pieces with freshly rendered fragments, without parsing anything. The markers carry a
nonce derived from ``SECRET_KEY``, so text a visitor types (a search query shown on the page)
cannot forge one; the cached HTML holds hole numbers, never context or code.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.utils.crypto import salted_hmac

#: The context variable that tells ``{% hole %}`` it renders pass one.
PASS_ONE_STATE = "_twopass_pass_one"
#: What the CSRF token hole is called among the holes of a page.
CSRF_HOLE = ":csrf_token:"


@cache
def nonce() -> str:
    return salted_hmac("perf.twopass.holes", "marker").hexdigest()[:20]


def csrf_marker() -> str:
    """Placeholder for the CSRF token; letters, digits and dashes, so escaping leaves it intact."""
    return f"twopass-csrf-{nonce()}"


def hole_marker(index: int) -> str:
    return f"<!--twopass-hole:{nonce()}:{index}-->"


@cache
def _marker_pattern(current_nonce: str) -> re.Pattern[str]:
    return re.compile(
        rf"<!--twopass-hole:{current_nonce}:(\d+)-->|twopass-csrf-{current_nonce}",
    )


@dataclass
class PassOneState:
    """The holes a pass-one render has marked, by number."""

    holes: list[str] = field(default_factory=list)

    def mark(self, template_name: str) -> str:
        self.holes.append(template_name)
        return hole_marker(len(self.holes) - 1)


@dataclass(frozen=True)
class CachedPage:
    """A pass-one page cut at its holes: chunks[0] hole[0] chunks[1] ... hole[n-1] chunks[n]."""

    chunks: tuple[str, ...]
    holes: tuple[str, ...]
    status: int
    content_type: str

    @classmethod
    def from_html(
        cls, html: str, state: PassOneState, *, status: int, content_type: str
    ) -> "CachedPage":
        chunks, holes, start = [], [], 0
        for match in _marker_pattern(nonce()).finditer(html):
            chunks.append(html[start : match.start()])
            holes.append(CSRF_HOLE if match.group(1) is None else state.holes[int(match.group(1))])
            start = match.end()
        chunks.append(html[start:])
        return cls(tuple(chunks), tuple(holes), status, content_type)

    def fill(self, render_hole: Callable[[str], str]) -> str:
        """The page with each hole replaced by ``render_hole(name)``, each name rendered once."""
        rendered: dict[str, str] = {}
        parts = [self.chunks[0]]
        for hole, chunk in zip(self.holes, self.chunks[1:], strict=True):
            if hole not in rendered:
                rendered[hole] = render_hole(hole)
            parts.append(rendered[hole])
            parts.append(chunk)
        return "".join(parts)

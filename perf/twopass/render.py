"""
Pass one's rendering: a view's template response rendered for nobody in particular.

Django's ``RequestContext`` runs every context processor; pass one runs only the impersonal ones
(``PASS_ONE_CONTEXT_PROCESSORS``: the request, static and media URLs, the language) and puts a
``Forbidden`` guard under each name the others provide, a placeholder under ``csrf_token``, and
the hole register that ``{% hole %}`` writes to. Works with the Django template backend.
"""

from django.http import HttpRequest
from django.template import Context
from django.template.response import SimpleTemplateResponse

from perf.conf import get_config
from perf.twopass.guard import Forbidden
from perf.twopass.holes import PASS_ONE_STATE, CachedPage, PassOneState, csrf_marker


def _dotted_path(function: object) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def pass_one_context(engine, guarded: HttpRequest, real: HttpRequest) -> dict:
    """Values of the allowed context processors; guards for the names the others provide."""
    allowed = set(get_config()["PASS_ONE_CONTEXT_PROCESSORS"])
    values: dict = {}
    guards: dict = {}
    for processor in engine.template_context_processors:
        if _dotted_path(processor) in allowed:
            values.update(processor(guarded))
        else:
            # Called with the real request only to learn its names; nothing it returns is used.
            guards.update((name, Forbidden(name)) for name in processor(real))
    return {**guards, **values, "csrf_token": csrf_marker()}


def render_for_nobody(
    response: SimpleTemplateResponse, guarded: HttpRequest, real: HttpRequest
) -> CachedPage:
    template = response.resolve_template(response.template_name)
    engine = template.template.engine
    state = PassOneState()
    context = Context(
        {**pass_one_context(engine, guarded, real), PASS_ONE_STATE: state},
        autoescape=engine.autoescape,
    )
    # What a RequestContext carries, for tags that read it ({% querystring %}).
    context.request = guarded
    with context.update(response.resolve_context(response.context_data) or {}):
        html = template.template.render(context)
    return CachedPage.from_html(
        html, state, status=response.status_code, content_type=response["Content-Type"]
    )

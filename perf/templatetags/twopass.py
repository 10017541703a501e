"""
Tags of two-pass caching.

``{% hole "includes/minicart.html" %}``: a per-user fragment in a page the two-pass views cache.
In pass one it leaves a marker that pass two replaces with the fragment rendered for the current
visitor. Anywhere else (a page that is not cached) it is a plain ``{% include %}``. A fragment
must depend on the request alone (context processors), never on the view's context, since pass two
renders it without one.

``{% cached_url "cart:detail" %}``: ``{% url %}`` for a view without arguments, reversed once per
URLconf, script prefix and language (see ``perf.twopass.reverse``); for fragments, which pass two
renders on every request.
"""

from django import template
from django.template.base import FilterExpression, Parser, Token

from perf.twopass.holes import PASS_ONE_STATE
from perf.twopass.reverse import cached_reverse

register = template.Library()


class HoleNode(template.Node):
    def __init__(self, template_name: FilterExpression) -> None:
        self.template_name = template_name

    def render(self, context: template.Context) -> str:
        name = self.template_name.resolve(context)
        state = context.get(PASS_ONE_STATE)
        if state is not None:
            return state.mark(name)
        return context.template.engine.get_template(name).render(context)


@register.tag
def hole(parser: Parser, token: Token) -> HoleNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f'{bits[0]} takes one quoted template name: {{% {bits[0]} "includes/x.html" %}}'
        )
    return HoleNode(parser.compile_filter(bits[1]))


@register.simple_tag(takes_context=True)
def cached_url(context: template.Context, viewname: str) -> str:
    """The current application is found as ``{% url %}`` finds it."""
    request = getattr(context, "request", None)
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return cached_reverse(viewname, current_app)

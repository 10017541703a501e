"""
``{% hole "includes/minicart.html" %}``: a per-user fragment in a page the two-pass views cache.

In pass one it leaves a marker that pass two replaces with the fragment rendered for the current
visitor. Anywhere else (a page that is not cached) it is a plain ``{% include %}``. A fragment
must depend on the request alone (context processors), never on the view's context, since pass two
renders it without one.
"""

from django import template
from django.template.base import FilterExpression, Parser, Token

from perf.twopass.holes import PASS_ONE_STATE

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

from django.http import HttpRequest
from django.views.generic import TemplateView

from perf.twopass import TwoPassCacheMixin

#: What the page shows, as a database would: a test changes it and bumps "greeting".
GREETING = {"text": "Hello"}


class GreetingPage(TwoPassCacheMixin, TemplateView):
    """Rendered once for everybody (pass one); the visitor's name is a hole (pass two)."""

    template_name = "minimal/greeting.html"
    cache_namespaces = ["greeting"]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "greeting": GREETING["text"]}


def greeting_namespaces(request: HttpRequest) -> list[str]:
    """What the ``visitor.html`` hole reads: nothing cached, so no namespace."""
    return []

"""``/robots.txt``: what crawlers may skip (personal and endless pages) and where the sitemap is."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

# Pages with nothing to index: a visitor's own (cart, checkout, account), staff's, and search,
# whose every query would be a page of its own. Prefixes from the URL map in shop/urls.py.
DISALLOWED = ["/cart/", "/checkout/", "/accounts/", "/admin/", "/search/"]


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}" for prefix in DISALLOWED]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

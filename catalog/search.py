"""
Product search: PostgreSQL full-text search where available, a plain substring match elsewhere.

On PostgreSQL the query filters on exactly the expression that the GIN index in ``Product.Meta``
is built on (``SEARCH_VECTOR``), so the planner can answer it from the index instead of computing a
tsvector for every row. SQLite (the embedded default) has no full-text search of this kind, so it
falls back to ``icontains`` on the same columns: every word of the query must match somewhere.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q, QuerySet

SEARCH_CONFIG = "english"
SEARCHED_FIELDS = ("name", "brand", "description")

#: The indexed document: name weighs most, then brand, then description.
SEARCH_VECTOR = (
    SearchVector("name", weight="A", config=SEARCH_CONFIG)
    + SearchVector("brand", weight="B", config=SEARCH_CONFIG)
    + SearchVector("description", weight="C", config=SEARCH_CONFIG)
)

#: Longer queries are cut to this many characters: nobody types more, and it bounds the work.
MAX_QUERY_LENGTH = 100


def search_products(queryset: QuerySet, query: str) -> QuerySet:
    """Filter ``queryset`` (of products) by ``query`` and order it by relevance."""
    if connections[queryset.db].vendor == "postgresql":
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.alias(document=SEARCH_VECTOR)
            .filter(document=search_query)
            .annotate(rank=SearchRank(F("document"), search_query))
            .order_by("-rank", "name", "pk")
        )
    condition = Q()
    for word in query.split():
        condition &= Q.create(
            [(f"{field}__icontains", word) for field in SEARCHED_FIELDS], connector=Q.OR
        )
    return queryset.filter(condition).order_by("name", "pk")

"""
The category and product pages the shoppers have found so far, shared by all of them.

Shoppers start from the home page and follow links, as visitors arriving from elsewhere would;
what one finds, the others may visit.
"""

import random

from loadtests.pages import hrefs

# Pages are scanned for new links until this many are known, then now and then only, so that
# reading pages never becomes Locust's bottleneck.
ENOUGH_LINKS = 300
RESCAN_CHANCE = 0.02
# Popularity: the first pages found (the home page's featured products, the top categories) are
# visited most, as a few products get most of the views in any shop. With a skew of 3, half the
# visits go to the first tenth of what is known.
POPULARITY_SKEW = 3.0


class KnownPages:
    """Category and product paths seen so far, shared by all users like links from elsewhere."""

    def __init__(self) -> None:
        self.categories: list[str] = []
        self.products: list[str] = []
        self.words: list[str] = []
        self._seen: set[str] = set()

    def learn(self, content: bytes) -> None:
        if len(self.products) >= ENOUGH_LINKS and random.random() > RESCAN_CHANCE:
            return
        for prefix, paths in (("/c/", self.categories), ("/p/", self.products)):
            for href in hrefs(content, prefix):
                path = href.split("?", 1)[0]
                if path not in self._seen:
                    self._seen.add(path)
                    paths.append(path)
                    slug = path.strip("/").rsplit("/", 1)[-1]
                    self.words += [word for word in slug.split("-") if word.isalpha()]

    def popular(self, items: list[str], default: str) -> str:
        """One of ``items``, the first ones far more often than the last ones."""
        if not items:
            return default
        return items[int(len(items) * random.random() ** POPULARITY_SKEW)]


KNOWN = KnownPages()

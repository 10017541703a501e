from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # receivers: invalidate cached pages and data after commit; currency: SHOP_CURRENCY's
        # check; renditions: a saved picture's smaller copies.
        from catalog import currency, receivers, renditions  # noqa: F401

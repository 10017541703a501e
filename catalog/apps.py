from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Connects the receivers that invalidate cached pages and data after commit.
        from catalog import receivers  # noqa: F401

"""
Release 2 of the shop, the code that uses the new column: its ``OrderLine.sku`` is stored in
``variant_sku``. In a real project that is one line of the model (``db_column="variant_sku"``)
and a ``SeparateDatabaseAndState`` migration; here one checkout plays both releases, so this app,
installed by ``release_settings``, moves the field's column when Django starts. Gunicorn's
workers pick it up on a graceful reload (HUP), through ``GUNICORN_ENV_FILE``.
"""

from django.apps import AppConfig

NEW_COLUMN = "variant_sku"
# The environment of the workers of each release, written to GUNICORN_ENV_FILE before a HUP.
ENVIRONMENT = {
    1: "DJANGO_SETTINGS_MODULE=shop.settings\n",
    2: "DJANGO_SETTINGS_MODULE=loadtests.deploy.release_settings\n",
}


class Release2Config(AppConfig):
    name = "loadtests.deploy"
    label = "deploy_release2"
    verbose_name = "Release 2: order lines' SKU read from variant_sku"

    def ready(self) -> None:
        from cart.models import OrderLine

        field = OrderLine._meta.get_field("sku")
        field.db_column = NEW_COLUMN
        field.set_attributes_from_name(field.name)

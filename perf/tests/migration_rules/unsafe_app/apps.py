from django.apps import AppConfig


class UnsafeAppConfig(AppConfig):
    name = "perf.tests.migration_rules.unsafe_app"
    label = "rules_unsafe"
    default_auto_field = "django.db.models.BigAutoField"

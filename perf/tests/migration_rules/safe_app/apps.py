from django.apps import AppConfig


class SafeAppConfig(AppConfig):
    name = "perf.tests.migration_rules.safe_app"
    label = "rules_safe"
    default_auto_field = "django.db.models.BigAutoField"

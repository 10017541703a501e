from django.apps import AppConfig


class PerfConfig(AppConfig):
    name = "perf"
    # Fixed, so the migration does not follow the project's DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Performance"

    def ready(self) -> None:
        from perf import checks  # noqa: F401 (registers the system checks)

"""perf's one table: invalidations not yet applied to the shared cache (``perf.cache.outbox``)."""

from django.db import models


class PendingInvalidation(models.Model):
    namespace = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.namespace

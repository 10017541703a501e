"""
The shape of cached objects, for their keys: two releases share Redis during a deploy, and neither
may unpickle the other's objects.

A pickled model instance holds its field values by attribute name. If the new release added,
dropped, renamed or retyped a field, an instance the old release cached unpickles in the new one
without the field (a query per object to load it, or an error once the column is gone), and the
new release's instances carry a field the old code does not expect. With the shape in the key,
each release reads and writes its own entries; the new one fills (or ``rebuild_cache`` warms) its
own as it starts, and the old one's expire.
"""

import dataclasses
import hashlib

from django.db import models


def shape(*classes: type) -> str:
    """A short hash of what instances of ``classes`` hold: for a model, each concrete field's
    attribute, column and type; for a dataclass, each field's name and type."""
    parts = []
    for cls in classes:
        parts.append(f"{cls.__module__}.{cls.__qualname__}")
        if isinstance(cls, type) and issubclass(cls, models.Model):
            parts.extend(
                f"{field.attname}:{field.column}:{field.get_internal_type()}"
                for field in cls._meta.concrete_fields
            )
        elif dataclasses.is_dataclass(cls):
            parts.extend(f"{field.name}:{field.type}" for field in dataclasses.fields(cls))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=5).hexdigest()

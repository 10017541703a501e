"""
Cached objects are keyed by their shape, so the old and the new release, sharing Redis during a
deploy, never read each other's objects.
"""

import dataclasses

from django.db import models
from django.test.utils import isolate_apps

from perf.cache.shapes import shape

from .test_multilevel import Counter


def model(class_name: str, /, **fields: models.Field) -> type[models.Model]:
    """A model class as one release defines it (each in a registry of its own)."""
    with isolate_apps("perf"):
        meta = type("Meta", (), {"app_label": "perf"})
        return type(class_name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


def test_a_changed_field_list_changes_the_shape():
    first = shape(model("Item", name=models.CharField(max_length=10)))
    same = shape(model("Item", name=models.CharField(max_length=10)))
    added = shape(
        model("Item", name=models.CharField(max_length=10), sku=models.IntegerField(null=True))
    )
    retyped = shape(model("Item", name=models.TextField()))
    renamed = shape(model("Item", title=models.CharField(max_length=10)))

    assert first == same
    assert len({first, added, retyped, renamed}) == 4


def test_two_models_have_two_shapes():
    item = model("Item", name=models.CharField(max_length=10))
    other = model("Other", name=models.CharField(max_length=10))

    assert shape(item) != shape(other)
    assert shape(item, other) != shape(item)


def test_a_dataclass_shape_follows_its_fields():
    @dataclasses.dataclass
    class Tree:
        roots: list

    before = shape(Tree)

    @dataclasses.dataclass
    class Tree:
        roots: list
        counts: dict

    assert shape(Tree) != before


def test_data_cached_under_one_shape_is_not_read_under_another(make_cache):
    old_release, new_release = make_cache(), make_cache()
    new_release.shared = old_release.shared  # one Redis for both releases
    compute = Counter()

    old_value = old_release.get_or_set("product:aaaa:shoe", compute)

    assert new_release.get_or_set("product:bbbb:shoe", compute) == "value@2"
    assert old_release.get_or_set("product:aaaa:shoe", compute) == old_value
    assert compute.calls == 2

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, IntegrityError
from django.db.models import Value
from django.db.models.functions import Concat

from perf.migration_rules.backfill import backfill

pytestmark = pytest.mark.django_db(transaction=True)


def todo():
    return Group.objects.exclude(name__endswith="-done")


def mark_done(batch_size: int) -> int:
    return backfill(
        todo(), using=DEFAULT_DB_ALIAS, batch_size=batch_size, name=Concat("name", Value("-done"))
    )


def test_backfill_updates_every_selected_row_in_batches():
    Group.objects.bulk_create(Group(name=f"g{number}") for number in range(7))

    assert mark_done(batch_size=3) == 7
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        f"g{number}-done" for number in range(7)
    ]


def test_backfill_commits_each_batch_so_a_rerun_resumes_after_a_failure():
    Group.objects.bulk_create(Group(name=name) for name in ["a1", "a2", "a3", "a4"])
    blocker = Group.objects.create(name="a3-done")  # The second batch will hit it (unique name).

    with pytest.raises(IntegrityError):
        mark_done(batch_size=2)

    assert sorted(todo().values_list("name", flat=True)) == ["a3", "a4"]
    blocker.delete()
    assert mark_done(batch_size=2) == 2
    assert not todo().exists()


def test_backfill_rejects_an_empty_batch():
    with pytest.raises(ValueError, match="batch_size"):
        mark_done(batch_size=0)

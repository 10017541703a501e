from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    # NOT VALID spares the scan, but new rows are checked at once: the release still running
    # inserts items without a note. An expand migration (no phase) must not do it.
    dependencies = [("rules_unsafe", "0021_reviewed_exception")]

    operations = [
        AddConstraintNotValid(
            "item",
            models.CheckConstraint(condition=models.Q(note__isnull=False), name="item_note_set"),
        ),
    ]

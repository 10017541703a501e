# Lower-case SQL, several statements in one string: the check reads each statement.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0017_raw_sql_drop_column")]

    operations = [
        migrations.RunSQL(
            "select 1; create index item_note on rules_unsafe_item (note);",
            "drop index if exists item_note;",
        ),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0018_raw_sql_index")]

    operations = [
        migrations.RunSQL(
            [
                (
                    'ALTER TABLE "rules_unsafe_item" ADD CONSTRAINT "item_note_length" '
                    'CHECK (char_length("note") < %s)',
                    [500],
                )
            ],
            'ALTER TABLE "rules_unsafe_item" DROP CONSTRAINT "item_note_length"',
        ),
    ]

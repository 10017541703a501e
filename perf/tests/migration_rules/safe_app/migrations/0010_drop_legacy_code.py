# Contract, release N+1: no running code knows the column any more, so it can go.
from django.db import migrations


class Migration(migrations.Migration):
    reviewed_exceptions = {
        "drop-column": "Contract step: migration 0009 (release N) removed legacy_code from the code.",
    }

    dependencies = [("rules_safe", "0009_stop_using_legacy_code")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "rules_safe_product" DROP COLUMN "legacy_code"',
                    'ALTER TABLE "rules_safe_product" ADD COLUMN "legacy_code" text NULL',
                ),
            ],
        ),
    ]

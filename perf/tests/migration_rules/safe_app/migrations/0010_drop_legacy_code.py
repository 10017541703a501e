# Contract, release N+1: no running code knows the column any more (0009, release N, removed it
# from the model), so it can go once release N+1 serves alone.
from django.db import migrations


class Migration(migrations.Migration):
    phase = "contract"

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

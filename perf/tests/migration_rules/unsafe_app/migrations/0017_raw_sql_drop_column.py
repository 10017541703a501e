from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0016_irreversible")]

    operations = [
        migrations.RunSQL(
            'ALTER TABLE "rules_unsafe_item" DROP COLUMN "code";',
            'ALTER TABLE "rules_unsafe_item" ADD COLUMN "code" varchar(20) NULL;',
        ),
    ]

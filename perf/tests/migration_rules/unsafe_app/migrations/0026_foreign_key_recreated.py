from django.db import migrations, models


class Migration(migrations.Migration):
    # Only the index goes, but Django drops the foreign key and adds it again, validated.
    dependencies = [("rules_unsafe", "0025_stored_generated_column")]

    operations = [
        migrations.AlterField(
            "item",
            "shelf",
            models.ForeignKey(
                null=True, on_delete=models.SET_NULL, to="rules_unsafe.rack", db_index=False
            ),
        ),
    ]

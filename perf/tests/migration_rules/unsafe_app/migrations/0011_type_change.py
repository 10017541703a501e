from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0010_constraint_not_valid")]

    operations = [
        migrations.AlterField("item", "name", models.CharField(max_length=50)),
    ]

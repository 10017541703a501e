from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0001_initial")]

    operations = [
        migrations.AddField("item", "weight", models.IntegerField(default=0)),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    phase = "contracts"

    dependencies = [("rules_unsafe", "0026_foreign_key_recreated")]

    operations = []

from django.db import migrations


def count_content_types(apps, schema_editor):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.using(schema_editor.connection.alias).count()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rules_unsafe", "0014_data_migration_db_alias")]

    operations = [
        migrations.RunPython(count_content_types, migrations.RunPython.noop),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules_unsafe", "0009_concurrent_in_atomic")]

    operations = [
        migrations.AddConstraint(
            "item",
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="item_cost_positive"),
        ),
    ]

"""Dashboard snapshots hold JSON instead of pickle.

The stored pickles are dropped, never read: they are a cache, and the next visit
recomputes them. Unpickling a database column could run code.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("research", "0006_cost_benefit_sources")]

    operations = [
        migrations.RemoveField(model_name="dashboardsnapshot", name="payload"),
        migrations.AddField(
            model_name="dashboardsnapshot",
            name="payload",
            field=models.JSONField(null=True),
        ),
    ]

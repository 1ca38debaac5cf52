"""Survey invitations remember that they went by e-mail, so the address itself can
be cleared once the link is answered or has expired (it is then no longer needed)."""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def forget_spent_addresses(apps, schema_editor):
    SurveyInvitation = apps.get_model("research", "SurveyInvitation")
    SurveyInvitation.objects.exclude(email="").update(by_email=True)
    SurveyInvitation.objects.filter(
        Q(used_at__isnull=False) | Q(expires_at__lte=timezone.now())
    ).update(email="")


class Migration(migrations.Migration):
    dependencies = [("research", "0007_dashboard_snapshot_json")]

    operations = [
        migrations.AddField(
            model_name="surveyinvitation",
            name="by_email",
            field=models.BooleanField(default=False, verbose_name="sent by email"),
        ),
        migrations.RunPython(forget_spent_addresses, migrations.RunPython.noop),
    ]

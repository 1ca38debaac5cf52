"""Cases whose current plan was not accepted get their own state.

Until now a plan that was not accepted moved the case to "plan decided", like an
accepted one, and the import gave imported cases with a rejected decision that
state (or "follow-up" when their agreements had a status). Such a case, still
open, is now "plan not accepted". Going back turns it into "plan decided" again.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# The values as they are at this migration (history: not imported from the code).
PLAN_DECIDED = "plan_decided"
FOLLOW_UP = "follow_up"
PLAN_NOT_ACCEPTED = "plan_not_accepted"
REJECTED = "rejected"


def forwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    FamilyPlan = apps.get_model("plans", "FamilyPlan")
    current_decision = Subquery(
        FamilyPlan.objects.filter(referral=OuterRef("pk"))
        .order_by("-version")
        .values("decision__decision")[:1]
    )
    rejected = (
        Referral.objects.filter(status__in=[PLAN_DECIDED, FOLLOW_UP])
        .annotate(current_decision=current_decision)
        .filter(current_decision=REJECTED)
        .values_list("pk", flat=True)
    )
    Referral.objects.filter(pk__in=list(rejected)).update(status=PLAN_NOT_ACCEPTED)


def backwards(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(status=PLAN_NOT_ACCEPTED).update(status=PLAN_DECIDED)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_agreement_version_familyplan_edit_version"),
        ("referrals", "0008_plan_not_accepted"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

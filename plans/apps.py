from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete

        from plans import models, scans, selectors, timeline  # noqa: F401 (registers sentences)
        from referrals.selectors import register_list_column

        # Her case list puts the plans waiting for her decision first.
        register_list_column("plan_awaits_user", selectors.plan_awaits_user, leads=True)

        # Housekeeping, no rule: a plan deleted, also along with its case or its
        # conference, leaves no scan behind once the deletion has committed.
        post_delete.connect(
            scans.on_plan_deleted, sender=models.FamilyPlan, dispatch_uid="plan_scan_file"
        )

        # The plan's reverse one-to-one (its decision) is left out: auditlog would
        # fetch it on every save of a plan.
        auditlog.register(models.FamilyPlan, exclude_fields=["decision", "edit_version"])
        auditlog.register(models.Agreement, exclude_fields=["version"])
        for model in (
            models.PlanDecision,
            models.Evaluation,
            models.EvaluationItem,
            models.Outcome,
        ):
            auditlog.register(model)

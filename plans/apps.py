from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from auditlog.registry import auditlog

        from plans import models

        for model in (
            models.FamilyPlan,
            models.Agreement,
            models.PlanDecision,
            models.Evaluation,
            models.EvaluationItem,
            models.Outcome,
        ):
            auditlog.register(model)

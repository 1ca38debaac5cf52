from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinatorsConfig(AppConfig):
    name = "coordinators"
    verbose_name = _("Coordinators")

    def ready(self):
        from auditlog.registry import auditlog

        from coordinators import models, timeline  # noqa: F401 (registers sentences)

        auditlog.register(models.Coordinator, exclude_fields=["version"])
        auditlog.register(models.Assignment)
        auditlog.register(models.ConflictOfInterest)
        auditlog.register(models.Leave)
        auditlog.register(models.Transfer)
        auditlog.register(models.Training, exclude_fields=["version"])
        auditlog.register(models.Evaluation, exclude_fields=["version"])
        auditlog.register(models.Meeting, exclude_fields=["version"])
        auditlog.register(models.Attendance)
        auditlog.register(models.RegionRequest)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EkcConfig(AppConfig):
    name = "ekc"
    verbose_name = _("Users, regions and organisations")

    def ready(self):
        from auditlog.registry import auditlog

        from ekc.family_languages import install_lang_info

        install_lang_info()

        from ekc.models import Organization, Region, User

        # Who holds which role and where is itself worth a history.
        # Reverse one-to-ones are left out: auditlog would fetch them on every save.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "coordinator_profile"],
            m2m_fields={"regions"},
            mask_fields=["phone"],
        )
        auditlog.register(Organization)
        auditlog.register(Region)

        # The management site's models are all registered by now (the admin app
        # comes first and registers them in its own ready()).
        from ekc.admin import check_action_selections

        check_action_selections()

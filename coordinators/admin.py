from django.contrib import admin
from django.db.models import F

from coordinators.models import Coordinator


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["code", "user", "max_active_cases", "active"]
    list_filter = ["active", "user__regions"]
    search_fields = ["code", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    exclude = ["version"]

    def save_model(self, request, obj, form, change):
        # A change here moves the version on: the coordinator's own profile form,
        # read before it, is then refused instead of saving over it (ekc/editing.py).
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if change:
            obj.refresh_from_db(fields=["version"])

from django.contrib import admin

from coordinators.models import Coordinator


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["code", "user", "max_active_cases", "active"]
    list_filter = ["active", "user__regions"]
    search_fields = ["code", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

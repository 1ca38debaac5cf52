from django.contrib import admin

from research.models import CostBenefitAssumption


@admin.register(CostBenefitAssumption)
class CostBenefitAssumptionAdmin(admin.ModelAdmin):
    list_display = ["label", "euros", "key"]
    readonly_fields = ["key"]

    def has_add_permission(self, request):
        return False  # the keys are fixed: one per outcome, and the conference cost

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from privacy.models import DestructionRecord, LegalHold


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["referral", "until", "placed_by", "placed_at", "lifted_at"]
    list_filter = ["lifted_at"]
    raw_id_fields = ["referral"]
    readonly_fields = ["placed_by", "placed_at"]
    fields = ["referral", "reason", "until", "lifted_at", "placed_by", "placed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # a hold is lifted, not deleted: the record of it stays


@admin.register(DestructionRecord)
class DestructionRecordAdmin(admin.ModelAdmin):
    """The register is written by destruction only and never changed."""

    list_display = ["pseudonym", "destroyed_at", "decision", "retention_date", "decided_by"]
    list_filter = ["decision"]
    search_fields = ["pseudonym"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

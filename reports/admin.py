from django.contrib import admin

from reports.models import Anonymisation


@admin.register(Anonymisation)
class AnonymisationAdmin(admin.ModelAdmin):
    """A read-only log: anonymising is done from the staff's personal data page, with its
    confirmation; the record of it is never changed or deleted."""

    list_display = ["person", "done_at", "done_by"]
    list_select_related = ["person", "done_by"]
    date_hierarchy = "done_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

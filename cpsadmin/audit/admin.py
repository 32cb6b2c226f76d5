from django.contrib import admin

from cpsadmin.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are written by record() and never changed."""

    list_display = [
        "seq",
        "created_at",
        "actor_username",
        "action",
        "outcome",
        "instance_id",
        "reinstall_id",
    ]
    list_filter = ["action", "outcome"]
    search_fields = ["instance_id", "request_id", "jd_request_id"]
    date_hierarchy = None
    # Counting millions of rows on every page load is what keyset paging avoids.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

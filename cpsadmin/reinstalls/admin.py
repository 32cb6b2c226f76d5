from django.contrib import admin

from cpsadmin.reinstalls.models import Approval, ApprovalPolicy, ReinstallRequest


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "mode", "approvals_required"]
    list_select_related = ["group"]


class ApprovalInline(admin.TabularInline):
    model = Approval
    fields = ["approver", "decision", "comment", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReinstallRequest)
class ReinstallRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change only through the workflow, never by hand."""

    list_display = [
        "pk",
        "instance_name",
        "instance_id",
        "region",
        "requester",
        "status",
        "keep_data",
        "created_at",
    ]
    list_filter = ["status", "region", "keep_data", "image_type"]
    list_select_related = ["requester"]
    search_fields = ["instance_id", "instance_name", "requester__username"]
    date_hierarchy = "created_at"
    # password_encrypted is left out on purpose, here and everywhere.
    fields = [
        "requester",
        "status",
        "region",
        "az",
        "instance_id",
        "instance_name",
        "device_type",
        "previous_os_name",
        "previous_status",
        "image_type",
        "os_type_id",
        "os_name",
        "sys_raid_type_id",
        "sys_raid_type",
        "data_raid_type_id",
        "data_raid_type",
        "keep_data",
        "softwares",
        "reason",
        "client_token",
        "required_approvals",
        "expires_at",
        "submit_claimed_at",
        "submit_attempts",
        "jd_request_id",
        "failure_reason",
        "last_seen_status",
        "created_at",
        "decided_at",
        "submitted_at",
        "finished_at",
    ]
    readonly_fields = fields
    inlines = [ApprovalInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from cpsadmin.accounts.models import ServerScope


@admin.register(ServerScope)
class ServerScopeAdmin(admin.ModelAdmin):
    list_display = ["role", "user", "group", "region", "instance_pattern", "note"]
    list_filter = ["role", "region"]
    autocomplete_fields = ["user", "group"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, AuditEntry, Job, Organisation, Region, RoleBinding, User


class RoleBindingInline(admin.TabularInline):
    model = RoleBinding
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class WorkerHubUserAdmin(UserAdmin):
    inlines = [RoleBindingInline]
    raw_id_fields = ["person"]
    fieldsets = (*UserAdmin.fieldsets, ("WorkerHub", {"fields": ("person",)}))


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["level"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "credit_code"]
    search_fields = ["name", "credit_code"]
    list_filter = ["kind"]
    raw_id_fields = ["region", "parent"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody can edit the audit log (SPEC §1.4); the database refuses it too."""

    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ApiToken, list_display=["name", "user", "prefix", "created_at", "last_used_at"])
admin.site.register(Job, list_display=["kind", "status", "done", "total", "created_at"])

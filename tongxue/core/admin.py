"""Operator admin: roles are granted here; the audit log is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tongxue.core.auditlog import record
from tongxue.core.models import AuditEvent, RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__code", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("user", "organisation")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="role.changed" if change else "role.granted",
            organisation=obj.organisation.code,
            target=obj.user.get_username(),
            role="operator",
            data={"role": obj.role},
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        record(
            actor=request.user,
            action="role.revoked",
            organisation=obj.organisation.code,
            target=obj.user.get_username(),
            role="operator",
            data={"role": obj.role},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset.select_related("user", "organisation"):
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "at",
        "actor_label",
        "role",
        "action",
        "organisation",
        "target",
    )
    list_filter = ("action", "role")
    search_fields = ("actor_label", "organisation", "target", "action")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

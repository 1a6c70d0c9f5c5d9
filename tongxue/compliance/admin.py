"""Operator admin: the passes of the stored audit, read-only (#15).

A nightly pass that found drift notifies the superusers with a link to its run here
(``tongxue.compliance.nightly``).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tongxue.compliance.models import AuditRun


@admin.register(AuditRun)
class AuditRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "kind",
        "root",
        "as_of",
        "organisations",
        "findings",
        "finished_at",
        "rule_version",
    )
    list_filter = ("kind",)
    search_fields = ("root",)
    readonly_fields = [f.name for f in AuditRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

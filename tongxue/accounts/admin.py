"""Invitations in the operator's admin: read-only (tokens are never stored)."""

from __future__ import annotations

from django.contrib import admin

from tongxue.accounts.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "person",
        "organisation",
        "created_at",
        "expires_at",
        "redeemed_at",
        "revoked_at",
    )
    list_select_related = ("person", "organisation")
    readonly_fields = [f.name for f in Invitation._meta.fields]
    search_fields = ("person__name",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

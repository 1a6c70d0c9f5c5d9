"""Operator admin for the registry. Users edit through the product's pages, whose
services apply the plan's guards and write the audit log; the admin is read-only here
except for linking a person to a user account."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tongxue.organisations.models import Organisation, Person, Position, Review


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnly):
    list_display = ("code", "name", "kind", "parent", "students_served", "profile")
    list_filter = ("kind", "school_type")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("ident", "name", "kind", "department", "grade", "user")
    list_filter = ("kind", "enrolment")
    search_fields = ("ident", "name", "student_number")
    list_select_related = ("department", "user")
    fields = ("ident", "name", "kind", "user")
    readonly_fields = ("ident", "name", "kind")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from tongxue.core.auditlog import record

        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="person.user_linked",
            target=obj.ident,
            role="operator",
            data={"user": obj.user.get_username() if obj.user else None},
        )


@admin.register(Position)
class PositionAdmin(ReadOnly):
    list_display = ("organisation", "title", "role", "person", "start", "end")
    list_filter = ("role",)
    search_fields = ("organisation__code", "person__ident", "title")
    list_select_related = ("organisation", "person")


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = (
        "reviewer",
        "reviewed",
        "held",
        "report_heard",
        "opinions_heard",
        "rating",
        "assessment_published",
    )
    list_select_related = ("reviewer", "reviewed")

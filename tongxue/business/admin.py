"""Operator admin for a meeting's business: read-only (the pages' services apply the
plan's guards and write the audit log)."""

from __future__ import annotations

from django.contrib import admin

from tongxue.business.models import (
    AgendaItem,
    CharterMotion,
    CharterVersion,
    Guidance,
    OpinionGroup,
    StandingDelegate,
    StudentOpinion,
    WorkReport,
)
from tongxue.organisations.admin import ReadOnly


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnly):
    list_display = ("meeting", "position", "kind", "title")
    list_filter = ("kind",)
    list_select_related = ("meeting",)


@admin.register(WorkReport)
class WorkReportAdmin(ReadOnly):
    list_display = ("meeting", "title", "passed", "voted_on")
    exclude = ("attachment",)
    list_select_related = ("meeting",)


@admin.register(CharterMotion)
class CharterMotionAdmin(ReadOnly):
    list_display = ("meeting", "union", "kind", "title", "status")
    list_filter = ("kind", "status")
    list_select_related = ("meeting", "union")


@admin.register(CharterVersion)
class CharterVersionAdmin(ReadOnly):
    list_display = ("union", "number", "adopted_on")
    list_select_related = ("union",)


@admin.register(OpinionGroup)
class OpinionGroupAdmin(ReadOnly):
    list_display = ("meeting", "title", "carried")


@admin.register(StudentOpinion)
class StudentOpinionAdmin(ReadOnly):
    list_display = ("meeting", "pk", "group", "submitted_at")


@admin.register(StandingDelegate)
class StandingDelegateAdmin(ReadOnly):
    list_display = ("union", "person", "department", "congress", "ended_on")
    list_select_related = ("union", "person", "department", "congress")


@admin.register(Guidance)
class GuidanceAdmin(ReadOnly):
    """GOV-1, GOV-2: the records of guidance (written on the union's guidance page)."""

    list_display = ("union", "held", "kind", "by", "public")
    list_filter = ("kind", "public")
    list_select_related = ("union",)

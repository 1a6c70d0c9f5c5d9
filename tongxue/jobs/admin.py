"""Operator admin: background jobs, workers and periodic runs, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongxue.jobs.models import Job, PeriodicRun, WorkerHeartbeat


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """Jobs change only through the worker; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnly):
    list_display = ("title", "kind", "status", "started_by", "created_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("id", "title", "organisation")
    list_select_related = ("started_by",)
    date_hierarchy = "created_at"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnly):
    list_display = ("worker_id", "host", "pid", "started_at", "seen_at")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnly):
    list_display = ("name", "period_start", "worker_id", "claimed_at", "job")
    list_filter = ("name",)
    list_select_related = ("job",)

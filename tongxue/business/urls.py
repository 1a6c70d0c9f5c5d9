"""Business pages under /org/ (app_name "business")."""

from __future__ import annotations

from django.urls import path

from tongxue.business import views

app_name = "business"

_M = "<str:code>/meetings/<str:meeting_code>/business/"

urlpatterns = [
    path(_M, views.meeting, name="meeting"),
    path(f"{_M}agenda/", views.add_agenda_item, name="add-agenda-item"),
    path(
        f"{_M}agenda/<int:pk>/remove/",
        views.remove_agenda_item,
        name="remove-agenda-item",
    ),
    path(f"{_M}report/", views.submit_report, name="submit-report"),
    path(f"{_M}report/review/", views.review_report, name="review-report"),
    path(f"{_M}report/withdraw/", views.withdraw_report, name="withdraw-report"),
    path(f"{_M}report/attachment/", views.report_attachment, name="report-attachment"),
    path(f"{_M}motions/", views.propose_motion, name="propose-motion"),
    path(f"{_M}motions/<int:pk>/", views.motion, name="motion"),
    path(f"{_M}opinions/", views.submit_opinion, name="submit-opinion"),
    path(f"{_M}opinions/groups/", views.create_group, name="create-group"),
    path(f"{_M}opinions/<int:pk>/group/", views.group_opinion, name="group-opinion"),
    path(f"{_M}opinions/<int:pk>/hide/", views.hide_opinion, name="hide-opinion"),
    path(f"{_M}opinions/groups/<int:pk>/carry/", views.carry_group, name="carry-group"),
    path("<str:code>/charter/", views.charter, name="charter"),
    path(
        "<str:code>/charter/<int:number>/",
        views.charter_version,
        name="charter-version",
    ),
    path("<str:code>/standing/", views.standing, name="standing"),
    path("<str:code>/standing/<int:pk>/end/", views.end_standing, name="end-standing"),
    path(
        "<str:code>/standing/written-report/",
        views.file_written_report,
        name="file-written-report",
    ),
    path("<str:code>/guidance/", views.guidance, name="guidance"),
]

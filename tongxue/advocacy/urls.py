"""The union's advocacy, mounted at /advocacy/ (RGT-2, RGT-3, RGT-4)."""

from __future__ import annotations

from django.urls import path

from tongxue.advocacy import views

app_name = "advocacy"
urlpatterns = [
    path("<str:code>/legal-aid/", views.directory, name="legal_aid"),
    path("<str:code>/legal-aid/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("<str:code>/legal-aid/refer/", views.refer, name="refer"),
    path("<str:code>/meetings/", views.meetings, name="meetings"),
    path("<str:code>/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("<str:code>/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "<str:code>/meetings/<int:pk>/<str:action>/",
        views.meeting_action,
        name="meeting_action",
    ),
    path("<str:code>/participation/", views.participation, name="participation"),
    path(
        "<str:code>/participation/committees/",
        views.committee_add,
        name="committee_add",
    ),
    path(
        "<str:code>/participation/committees/<int:pk>/",
        views.committee_edit,
        name="committee_edit",
    ),
    path(
        "<str:code>/participation/record/",
        views.participation_add,
        name="participation_add",
    ),
    path("<str:code>/requests/", views.requests, name="requests"),
    path(
        "<str:code>/requests/<int:pk>/answer/",
        views.request_answer,
        name="request_answer",
    ),
]

"""A union's projects (ORG-11 · GS-9, CQ-4), mounted at /projects/ (#18)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tongxue.projects import views

app_name = "projects"
urlpatterns: list[URLPattern | URLResolver] = [
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("<str:code>/", views.project_list, name="list"),
    path("<str:code>/new/", views.new, name="new"),
    path("<str:code>/<int:number>/", views.project, name="project"),
    path("<str:code>/<int:number>/edit/", views.edit, name="edit"),
    path("<str:code>/<int:number>/events/", views.add_event, name="add_event"),
    path("<str:code>/<int:number>/events/<int:pk>/", views.event, name="event"),
    path(
        "<str:code>/<int:number>/<str:action>/",
        views.move,
        name="move",
    ),
]

"""Student clubs and their activities (ORG-14), mounted at /clubs/ (#18)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tongxue.clubs import views

app_name = "clubs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/", views.public, name="public"),
    path("<str:code>/register/", views.register, name="register"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/club/<int:pk>/", views.club, name="club"),
    path("<str:code>/club/<int:pk>/edit/", views.club_edit, name="club_edit"),
    path("<str:code>/activities/new/", views.new_activity, name="new_activity"),
    path("<str:code>/activities/<int:pk>/", views.activity, name="activity"),
    path(
        "<str:code>/activities/<int:pk>/edit/",
        views.activity_edit,
        name="activity_edit",
    ),
    path("<str:code>/activities/<int:pk>/photo/", views.photo, name="photo"),
    path(
        "<str:code>/activities/<int:pk>/<str:action>/",
        views.activity_action,
        name="activity_action",
    ),
]

"""Account pages, mounted at /people/."""

from __future__ import annotations

from django.urls import path

from tongxue.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/password/", views.PasswordChange.as_view(), name="password-change"),
    path("roles/<str:code>/", views.roles, name="roles"),
    path("roles/<str:code>/revoke/<int:pk>/", views.revoke, name="revoke"),
    path("roles/<str:code>/invite/", views.invite, name="invite"),
    path(
        "roles/<str:code>/congress/<str:meeting_code>/invite/",
        views.invite_delegates,
        name="invite-delegates",
    ),
    path("invite/<str:token>/", views.redeem, name="redeem"),
]

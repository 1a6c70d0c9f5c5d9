"""Account pages, mounted at /people/.

``tongxue.config.urls`` adds to this namespace the page inviting a congress's delegates
(``accounts:invite-delegates``), which is the congresses app's
(``tongxue.congresses.urls.account_urlpatterns``).
"""

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
    path("invite/<str:token>/", views.redeem, name="redeem"),
]

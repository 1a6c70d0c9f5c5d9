"""The union in the open: rules, work affairs, official accounts (TRN-1, TRN-5, TRN-6, CON-13), mounted at /open/ (#18)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tongxue.disclosure import views

app_name = "disclosure"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/", views.page, name="page"),
    path("<str:code>/subscribe/", views.subscribe, name="subscribe"),
    path("<str:code>/rules/", views.rules, name="rules"),
    path("<str:code>/rules/<int:pk>/", views.rule, name="rule"),
    path("<str:code>/rules/<int:pk>/repeal/", views.repeal, name="repeal"),
    path("<str:code>/rules/<int:pk>/v<int:number>/", views.version, name="version"),
    path("<str:code>/affairs/", views.affairs, name="affairs"),
    path("<str:code>/affairs/<int:pk>/", views.entry, name="entry"),
    path("<str:code>/affairs/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "<str:code>/affairs/<int:pk>/files/<int:file_pk>/",
        views.attachment,
        name="attachment",
    ),
    path("<str:code>/accounts/", views.accounts, name="accounts"),
    path("<str:code>/accounts/<int:pk>/", views.account_edit, name="account_edit"),
]

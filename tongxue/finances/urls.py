"""A union's ledger, approvals and disclosure (TRN-4, GS-14, CQ-9), mounted at /finances/ (#18)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tongxue.finances import views

app_name = "finances"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/", views.ledger, name="ledger"),
    path("<str:code>/enter/", views.enter, name="enter"),
    path("<str:code>/queue/", views.queue, name="queue"),
    path("<str:code>/disclose/", views.disclose, name="disclose"),
    path("<str:code>/open/", views.public_index, name="public_index"),
    path("<str:code>/open/<str:term>/", views.public, name="public"),
    path("<str:code>/entries/<int:pk>/ask/", views.ask, name="ask"),
    path("<str:code>/questions/<int:pk>/answer/", views.answer, name="answer"),
    path("<str:code>/<int:year>/threshold/", views.threshold, name="threshold"),
    path("<str:code>/<int:year>/ledger.<str:fmt>", views.export, name="export"),
    path("<str:code>/<int:year>/<int:number>/", views.entry, name="entry"),
    path(
        "<str:code>/<int:year>/<int:number>/receipt/",
        views.receipt,
        name="receipt",
    ),
    path(
        "<str:code>/<int:year>/<int:number>/<str:action>/",
        views.entry_action,
        name="entry_action",
    ),
]

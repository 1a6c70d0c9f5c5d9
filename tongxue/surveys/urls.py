"""Anonymous surveys: students evaluate the union (TRN-2) and the federation asks (RGT-5), mounted at /surveys/ (#18)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from tongxue.surveys import views

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("org/<str:code>/", views.union, name="union"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    re_path(
        r"^(?P<pk>[0-9]+)/results\.(?P<fmt>xlsx|pdf)$", views.export, name="export"
    ),
]

"""Evaluation pages, mounted at /evaluations/ (CAD-3, CAD-4, CAD-7)."""

from __future__ import annotations

from django.urls import path

from tongxue.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("rate/<int:pk>/", views.rate, name="rate"),
    path("report/<int:pk>/", views.report, name="report"),
    path("org/<str:code>/", views.union, name="union"),
    path("periods/<int:pk>/", views.period, name="period"),
    path("periods/<int:pk>/manage/", views.manage, name="manage"),
]

"""Cadre pages, mounted at /cadres/ (CAD-1, CAD-2, CAD-5, CAD-6, CAD-7, ELE-3, ELE-4)."""

from __future__ import annotations

from django.urls import path

from tongxue.cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<str:code>/advertise/", views.advertise, name="advertise"),
    path("selections/<int:pk>/", views.selection, name="selection"),
    path("selections/<int:pk>/apply/", views.apply, name="apply"),
    path(
        "selections/<int:pk>/assess/<int:application>/",
        views.assess,
        name="assess",
    ),
    path(
        "selections/<int:pk>/<str:action>/",
        views.selection_action,
        name="selection-action",
    ),
    path("roster/<str:code>/", views.roster, name="roster"),
    path("relay/<int:position>/", views.relay, name="relay"),
    path("training/<str:code>/", views.training, name="training"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("me/", views.my_record, name="me"),
    path("people/<int:pk>/", views.record, name="record"),
    path("exits/new/", views.exit_new, name="exit-new"),
    path("exits/<int:pk>/", views.exit_case, name="exit"),
    path("exits/<int:pk>/<str:action>/", views.exit_action, name="exit-action"),
]

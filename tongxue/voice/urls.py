"""Students' concerns, mounted at /voice/ (RGT-1 … RGT-7, CAD-8).

The fixed paths come before ``<union_code>/``: a union's code is never one of them.
"""

from __future__ import annotations

from django.urls import path

from tongxue.voice import views
from tongxue.voice.views import consultations as consultation_views
from tongxue.voice.views import public
from tongxue.voice.views import relay as relay_views
from tongxue.voice.views import reports as report_views

app_name = "voice"
urlpatterns = [
    path("", views.start, name="start"),
    path("new/", views.raise_concern, name="raise"),
    path("similar/", views.similar, name="similar"),
    path("track/", views.track, name="track"),
    path("handle/", views.queue, name="queue"),
    path("record/", views.record, name="record"),
    # contact your delegate or cadre (RGT-6 · GS-一(三), CQ-一(三))
    path("relay/", relay_views.relay, name="relay"),
    path("relay/<int:pk>/", relay_views.relay_thread, name="relay_thread"),
    # 网上学联: a federation's consultations of students (RGT-5 · GS-5)
    path(
        "federation/<str:code>/consultations/",
        consultation_views.consultations,
        name="consultations",
    ),
    path(
        "federation/<str:code>/consultations/new/",
        consultation_views.consultation_new,
        name="consultation_new",
    ),
    path(
        "federation/<str:code>/consultations/<int:number>/",
        consultation_views.consultation,
        name="consultation",
    ),
    path(
        "federation/<str:code>/consultations/<int:number>/edit/",
        consultation_views.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "federation/<str:code>/consultations/<int:number>/respond/",
        consultation_views.consultation_respond,
        name="consultation_respond",
    ),
    path(
        "federation/<str:code>/consultations/<int:number>/idea/",
        consultation_views.consultation_idea,
        name="consultation_idea",
    ),
    path(
        "federation/<str:code>/consultations/<int:number>/agree/",
        consultation_views.consultation_agree,
        name="consultation_agree",
    ),
    path("<str:union_code>/", public.public_list, name="public"),
    path("<str:union_code>/figures/", public.figures, name="figures"),
    path("<str:union_code>/contact/", relay_views.contact, name="contact"),
    path(
        "<str:union_code>/contact/<int:person>/",
        relay_views.contact_write,
        name="contact_write",
    ),
    path("<str:union_code>/settings/", views.settings, name="settings"),
    # reports to the school (RGT-1 · GS-10, CQ-5)
    path("<str:union_code>/reports/", report_views.reports_page, name="reports"),
    path("<str:union_code>/reports/<int:pk>/", report_views.report_page, name="report"),
    path(
        "<str:union_code>/reports/<int:pk>/pdf/",
        report_views.report_pdf,
        name="report_pdf",
    ),
    path(
        "<str:union_code>/reports/<int:pk>/xlsx/",
        report_views.report_xlsx,
        name="report_xlsx",
    ),
    path(
        "<str:union_code>/reports/<int:pk>/submit/",
        report_views.report_submit,
        name="report_submit",
    ),
    path("<str:union_code>/<int:number>/", views.detail, name="detail"),
    path("<str:union_code>/<int:number>/raised/", views.raised, name="raised"),
    path("<str:union_code>/<int:number>/support/", views.support, name="support"),
    path("<str:union_code>/<int:number>/photos/<int:pk>/", views.photo, name="photo"),
    path(
        "<str:union_code>/<int:number>/<str:action>/",
        views.action,
        name="action",
    ),
]

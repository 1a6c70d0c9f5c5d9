from django.urls import path

from tongxue.elections import export_views, views

app_name = "elections"
urlpatterns = [
    path("org/<str:code>/", views.election_list, name="list"),
    path("org/<str:code>/new/", views.create, name="create"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/nominate-self/", views.self_nominate, name="self-nominate"),
    path("<str:code>/result/", views.result, name="result"),
    path(
        "<str:code>/result/result.<str:fmt>",
        export_views.result_file,
        name="result-file",
    ),
    path("<str:code>/notice/<str:kind>.pdf", views.notice_pdf, name="notice-pdf"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/manage/conditions/", views.conditions, name="conditions"),
    path("<str:code>/manage/nominate/", views.nominate, name="nominate"),
    path("<str:code>/manage/assess/<int:pk>/", views.assess, name="assess"),
    path("<str:code>/manage/<str:action>/", views.act, name="act"),
]

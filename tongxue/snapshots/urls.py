from django.urls import path

from tongxue.snapshots import views

app_name = "snapshots"
urlpatterns = [
    path("<str:code>/import/", views.import_page, name="import"),
    path("<str:code>/import/template.xlsx", views.template, name="template"),
    path(
        "<str:code>/import/<uuid:job_id>/",
        views.import_result,
        name="import-result",
    ),
    path("<str:code>/export.json", views.export, {"fmt": "json"}, name="export-json"),
    path("<str:code>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("<str:code>/exports/<uuid:file_id>/", views.download, name="download"),
]

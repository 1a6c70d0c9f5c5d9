from django.urls import path

from tongxue.compliance import history, views

app_name = "compliance"
urlpatterns = [
    path("<str:code>/compliance/", views.report, name="report"),
    path("<str:code>/compliance/history/", history.history, name="history"),
    path("<str:code>/compliance/justify/", views.justify, name="justify"),
    path("<str:code>/compliance/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/log/", views.audit_log, name="log"),
]

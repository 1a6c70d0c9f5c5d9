from django.urls import path

from tongxue.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:job_id>/", views.detail, name="detail"),
    path("<uuid:job_id>/live/", views.live, name="live"),
]

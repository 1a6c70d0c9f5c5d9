from django.urls import path

from tongxue.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.preferences, name="settings"),
    path("read-all/", views.read_all, name="read-all"),
    path("<int:pk>/read/", views.read, name="read"),
    path("<int:pk>/open/", views.open_item, name="open"),
]

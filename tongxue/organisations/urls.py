from django.urls import path

from tongxue.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
]

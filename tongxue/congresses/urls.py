from django.urls import path

from tongxue.congresses import views

app_name = "congresses"
urlpatterns = [
    path(
        "<str:code>/congresses/<str:meeting_code>/seats/",
        views.seats,
        name="seats",
    ),
]

from django.urls import path

from tongxue.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/children/add/", views.add_child, name="add-child"),
    path("<str:code>/positions/", views.positions, name="positions"),
    path("<str:code>/positions/<int:pk>/end/", views.end_position, name="end-position"),
]

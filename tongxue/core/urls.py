from django.urls import path

from tongxue.core import auditviews, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("audit/checkpoints/", auditviews.checkpoints, name="audit-checkpoints"),
    path(
        "audit/checkpoints.json",
        auditviews.checkpoints_json,
        name="audit-checkpoints-json",
    ),
]

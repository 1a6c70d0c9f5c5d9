from django.urls import path

from tongxue.congresses import invitation_views, views
from tongxue.congresses.balance import balance

app_name = "congresses"
urlpatterns = [
    path("<str:code>/congresses/", views.congress_list, name="list"),
    path("<str:code>/congresses/plan/", views.plan, name="plan"),
    path("<str:code>/congresses/<str:meeting_code>/", views.detail, name="detail"),
    path(
        "<str:code>/congresses/<str:meeting_code>/transition/<str:target>/",
        views.transition,
        name="transition",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/seats/grades/",
        views.seats_by_grade,
        name="seats-by-grade",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/",
        views.public_delegates,
        name="delegates",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/enter/",
        views.enter_delegates,
        name="enter-delegates",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/upload/",
        views.upload_delegates,
        name="upload-delegates",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/share/",
        views.share,
        name="share",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/export.<str:fmt>",
        views.export_delegates,
        name="export-delegates",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/list.<str:fmt>",
        views.delegates_file,
        name="delegates-file",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/<int:pk>/",
        views.provenance,
        name="provenance",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/delegates/<int:pk>/remove/",
        views.remove_delegate,
        name="remove-delegate",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/seats/",
        views.seats,
        name="seats",
    ),
    path(
        "<str:code>/congresses/<str:meeting_code>/seats/table.<str:fmt>",
        views.seats_file,
        name="seats-file",
    ),
    path("<str:code>/congresses/<str:meeting_code>/balance/", balance, name="balance"),
]

#: The page inviting a congress's delegates to make their accounts keeps its place among
#: the account pages: ``tongxue.config.urls`` mounts these under ``people/`` in the
#: ``accounts`` namespace (``accounts:invite-delegates``), so accounts imports nothing of
#: congresses (#13).
account_urlpatterns = [
    path(
        "roles/<str:code>/congress/<str:meeting_code>/invite/",
        invitation_views.invite_delegates,
        name="invite-delegates",
    ),
]

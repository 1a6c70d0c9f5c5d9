from django.urls import path

from tongxue.organisations import review_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/children/add/", views.add_child, name="add-child"),
    path("<str:code>/positions/", views.positions, name="positions"),
    path("<str:code>/positions/<int:pk>/end/", views.end_position, name="end-position"),
    # TRN-3: the school union's reviews of its department unions
    path("<str:code>/reviews/", review_views.reviews, name="reviews"),
    path("<str:code>/reviews/new/", review_views.record_review, name="record-review"),
    path(
        "<str:code>/reviews/<int:pk>/edit/",
        review_views.edit_review,
        name="edit-review",
    ),
    path(
        "<str:code>/reviews/<int:pk>/publish/",
        review_views.publish_review,
        name="publish-review",
    ),
    path("<str:code>/assessments/", review_views.assessments, name="assessments"),
]

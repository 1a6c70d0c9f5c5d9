from django.contrib import admin
from django.urls import include, path

from tongxue.accounts import urls as accounts_urls
from tongxue.api.api import api
from tongxue.congresses import urls as congresses_urls
from tongxue.organisations import views as organisations_views

urlpatterns = [
    # The front page searches the registry (#13: the view is organisations', not core's).
    path("", organisations_views.home, name="home"),
    path("", include("tongxue.core.urls")),
    path("org/", include("tongxue.organisations.urls")),
    path("org/", include("tongxue.compliance.urls")),
    path("org/", include("tongxue.snapshots.urls")),
    path("org/", include("tongxue.congresses.urls")),
    path("org/", include("tongxue.business.urls")),
    path("notices/", include("tongxue.publicity.urls")),
    path("search/", include("tongxue.search.urls")),
    path("elections/", include("tongxue.elections.urls")),
    path("vote/", include("tongxue.voting.urls")),
    path("cadres/", include("tongxue.cadres.urls")),
    path("voice/", include("tongxue.voice.urls")),
    path("advocacy/", include("tongxue.advocacy.urls")),
    path("open/", include("tongxue.disclosure.urls")),
    path("finances/", include("tongxue.finances.urls")),
    path("clubs/", include("tongxue.clubs.urls")),
    path("surveys/", include("tongxue.surveys.urls")),
    path("projects/", include("tongxue.projects.urls")),
    path("evaluations/", include("tongxue.evaluations.urls")),
    path("jobs/", include("tongxue.jobs.urls")),
    path("inbox/", include("tongxue.notifications.urls")),
    # The accounts pages, and the congresses' page inviting delegates to make accounts
    # (#13: accounts imports nothing of congresses; both keep their URLs).
    path(
        "people/",
        include(
            (
                accounts_urls.urlpatterns + congresses_urls.account_urlpatterns,
                accounts_urls.app_name,
            )
        ),
    ),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ops/admin/", admin.site.urls),
]

# 403.html and 404.html (core/templates) go through Django's handlers; the 500 page is
# rendered without the context processors, since the database may be what failed (#16).
handler500 = "tongxue.core.error_pages.server_error"

from django.contrib import admin
from django.urls import include, path

from tongxue.api.api import api

urlpatterns = [
    path("", include("tongxue.core.urls")),
    path("org/", include("tongxue.organisations.urls")),
    path("org/", include("tongxue.compliance.urls")),
    path("org/", include("tongxue.snapshots.urls")),
    path("org/", include("tongxue.congresses.urls")),
    path("org/", include("tongxue.business.urls")),
    path("notices/", include("tongxue.publicity.urls")),
    path("elections/", include("tongxue.elections.urls")),
    path("vote/", include("tongxue.voting.urls")),
    path("cadres/", include("tongxue.cadres.urls")),
    path("evaluations/", include("tongxue.evaluations.urls")),
    path("people/", include("tongxue.accounts.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ops/admin/", admin.site.urls),
]

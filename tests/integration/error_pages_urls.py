"""The project's URLs and handlers, plus views that fail (tests of the error pages)."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tongxue.config import urls as project

handler500 = project.handler500


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/database-down/", database_down),
    *project.urlpatterns,
]

"""Pages of campus single sign-on: start at the campus, come back, or be told why not.

* ``/people/sso/cas/login/`` (``accounts:sso-cas-login``): the CAS service URL.
  Without a ticket it sends the browser to the campus CAS; with one it validates it
  server to server and signs the person in; a POST with ``logoutRequest`` is the
  campus's single logout (CAS 3). django-cas-ng's view, with a safe ``next`` and the
  refusal page instead of a bare 403.
* ``/people/sso/oidc/login/`` and ``/people/sso/oidc/callback/``: the OpenID Connect
  authorization code flow (mozilla-django-oidc: state, nonce and PKCE kept in the
  session), with the provider's endpoints read now (explicit or discovered).

Each answers 404 while its protocol is switched off. A refusal renders
``accounts/sso_no_match.html`` (403; 503 when the campus server cannot be reached).
"""

from __future__ import annotations

from typing import Any

import requests
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_cas_ng.views import LoginView as LibraryCASLoginView
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tongxue.accounts import sso
from tongxue.accounts.sso_backends import oidc_setting


def _safe(request: HttpRequest, target: str | None) -> str:
    """``target`` if it stays on this site, else the landing page (我的)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(sso.LANDING)


def refusal_page(request: HttpRequest, default: str = sso.FAILED) -> HttpResponse:
    """Say why the campus sign-in did not sign anyone in, and whom to ask."""
    refusal = sso.refusal_of(request, default)
    identity = refusal.identity
    return render(
        request,
        "accounts/sso_no_match.html",
        {
            "reason": refusal.reason,
            "account": identity.account if identity else "",
            "student_number": identity.student_number if identity else "",
            "shows_number": identity is not None
            and identity.student_number != identity.account,
        },
        status=sso.STATUS.get(refusal.reason, 403),
    )


class CASLoginView(LibraryCASLoginView):
    """django-cas-ng's login view: GET starts or finishes, POST is single logout."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.cas_enabled():
            raise Http404
        # The library trusts ``next`` as it is; only this site's pages, or 我的.
        query = request.GET.copy()
        query[REDIRECT_FIELD_NAME] = _safe(request, query.get(REDIRECT_FIELD_NAME))
        request.GET = query
        try:
            return super().get(request)
        except PermissionDenied:
            return refusal_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not sso.cas_enabled():
            raise Http404
        return super().post(request)

    def successful_login(self, request: HttpRequest, next_page: str) -> HttpResponse:
        return HttpResponseRedirect(_safe(request, next_page))


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Send the browser to the OpenID provider (state, nonce, PKCE in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoints here, at import of the URLconf's view;
        # they are read per request in get().
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.oidc_provider().authorization_endpoint
        except (requests.RequestException, ValueError):
            sso.logger.warning("OpenID provider discovery failed", exc_info=True)
            sso.refuse(request, sso.UNAVAILABLE)
            return refusal_page(request)
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back: check state, exchange the code, sign in."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.oidc_enabled():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # A state this browser did not start (a replayed or forged answer).
            sso.logger.warning("OpenID callback refused: %s", error)
            return refusal_page(request)

    @property
    def success_url(self) -> str:
        return _safe(self.request, self.request.session.get("oidc_login_next"))

    def login_failure(self) -> HttpResponse:
        return refusal_page(self.request)

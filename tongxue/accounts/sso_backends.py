"""Authentication backends of campus single sign-on: CAS and OpenID Connect.

Both subclass the libraries' backends and replace what those do with the user model
(create a user per campus name, look users up by e-mail) by the roll:
:func:`tongxue.accounts.sso.sign_in_account`. ``AUTHENTICATION_BACKENDS`` lists them
after axes and the password backend; Django calls a backend only with credentials its
``authenticate`` signature accepts, so:

* the password form (``username``, ``password``) reaches neither;
* the CAS view's ``ticket``, ``service`` reach only :class:`CASBackend`;
* the OIDC callback's ``nonce``, ``code_verifier`` reach only :class:`OIDCBackend`
  (``nonce`` is required: mozilla-django-oidc's own backend would otherwise try any
  ``?code=&state=`` sent to the password form).

axes' ``AxesStandaloneBackend`` sees all three and lets the campus ones through
(``sso.axes_exempt``). A refusal is left on the request for the view's page.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from xml.etree.ElementTree import ParseError

import jwt
import requests
from cas import CASClient
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import smart_str
from django_cas_ng.backends import CASBackend as LibraryCASBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from tongxue.accounts import sso

logger = logging.getLogger(__name__)


def cas_client(service_url: str | None = None) -> Any:
    """A python-cas client for the configured server, with a timeout."""
    server_url = str(settings.CAS_SERVER_URL)
    if not server_url.endswith("/"):
        server_url += "/"
    return CASClient(
        version=str(getattr(settings, "CAS_VERSION", "3")),
        service_url=service_url,
        server_url=server_url,
        session=sso.TimeoutSession(),
        verify_ssl_certificate=getattr(settings, "CAS_VERIFY_SSL_CERTIFICATE", True),
    )


class CASBackend(LibraryCASBackend):
    """Validates the CAS ticket server to server, then matches the roll."""

    def authenticate(
        self, request: HttpRequest, ticket: str, service: str
    ) -> AbstractBaseUser | None:
        if request is None or not sso.cas_enabled():
            return None
        try:
            account, attributes, _pgtiou = cas_client(service).verify_ticket(ticket)
        except requests.RequestException:
            logger.warning("CAS ticket validation failed: server unreachable")
            sso.refuse(request, sso.UNAVAILABLE)
            return None
        except (ParseError, ValueError, IndexError, AttributeError):
            logger.warning("CAS ticket validation failed: unreadable answer")
            sso.refuse(request, sso.FAILED)
            return None
        if not account:
            logger.info("CAS ticket not valid for this service")
            sso.refuse(request, sso.FAILED)
            return None
        attributes = attributes or {}
        match = sso.cas_match_attribute()
        identity = sso.Identity(
            protocol="cas",
            account=str(account),
            student_number=sso.attribute(attributes, match)
            if match
            else str(account).strip(),
            ident=sso.attribute(attributes, sso.cas_ident_attribute()),
        )
        return sso.sign_in_account(request, identity)


#: mozilla-django-oidc settings that Tongxue decides, whatever the settings say.
_OIDC_FIXED = {
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso-oidc-callback",
    "OIDC_TIMEOUT": sso.TIMEOUT,
    "OIDC_CREATE_USER": False,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_ALLOW_UNSECURED_JWT": False,
}
#: Settings read from the provider's endpoints (explicit or discovered).
_OIDC_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's ``get_settings``, read now and completed by discovery."""
    if attr in _OIDC_FIXED:
        return _OIDC_FIXED[attr]
    if attr == "LOGIN_REDIRECT_URL":
        return reverse(sso.LANDING)
    if attr in _OIDC_ENDPOINTS:
        return getattr(sso.oidc_provider(), _OIDC_ENDPOINTS[attr]) or None
    return import_from_settings(attr, *default)


#: How long the provider's key set (JWKS) is kept between sign-ins.
JWKS_SECONDS = 3600


def kept_jwks_key(endpoint: str) -> str:
    """The cache key of the key set fetched from ``endpoint``."""
    return f"tongxue:oidc:jwks:{hashlib.sha256(endpoint.encode()).hexdigest()[:16]}"


def _matching_jwk(jwks: dict[str, Any], token: str) -> jwt.PyJWK | None:
    """The key of ``jwks`` that signed ``token`` (mozilla-django-oidc's choice: the
    last key whose ``kid`` and ``alg`` match the token's header), or None."""
    header = jwt.get_unverified_header(token)
    key = None
    for jwk in jwks.get("keys", ()):
        if import_from_settings("OIDC_VERIFY_KID", True) and jwk.get(
            "kid"
        ) != smart_str(header.get("kid")):
            continue
        if "alg" in jwk and jwk["alg"] != smart_str(header.get("alg")):
            continue
        key = jwk
    return jwt.PyJWK(key) if key is not None else None


class OIDCBackend(OIDCAuthenticationBackend):
    """Exchanges the code server to server, checks the ID token, matches the roll."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its settings here and refuses to start without them;
        # Django makes a backend for every sign-in, with SSO switched off too.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    def authenticate(
        self,
        request: HttpRequest,
        *,
        nonce: str | None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None or not sso.oidc_enabled():
            return None
        try:
            provider = sso.oidc_provider()
        except (requests.RequestException, ValueError):
            logger.warning("OpenID provider discovery failed", exc_info=True)
            sso.refuse(request, sso.UNAVAILABLE)
            return None
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri or None
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = getattr(settings, "OIDC_RP_CLIENT_SECRET", "")
        self.OIDC_RP_SIGN_ALGO = getattr(settings, "OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = getattr(settings, "OIDC_RP_IDP_SIGN_KEY", None)
        try:
            return super().authenticate(
                request, nonce=nonce, code_verifier=code_verifier
            )
        except requests.RequestException:
            logger.warning("OpenID sign-in failed: provider unreachable or refused")
            sso.refuse(request, sso.UNAVAILABLE)
        except (SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as error:
            logger.warning("OpenID sign-in failed: %s", error)
            sso.refuse(request, sso.FAILED)
        return None

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's signing key for ``token``, from its JWKS kept for an hour.

        The library fetches the key set at every sign-in: a campus's morning rush of
        sign-ins was as many requests to the provider. Kept in the cache (shared by the
        workers), fetched again when the token names a key the kept set lacks (the
        provider rotated its keys) or the hour is over. The key is chosen as the
        library chooses it: the ``kid`` (unless ``OIDC_VERIFY_KID`` is off) and the
        algorithm must match."""
        endpoint = str(self.OIDC_OP_JWKS_ENDPOINT)
        kept = kept_jwks_key(endpoint)
        jwks = cache.get(kept)
        if jwks is not None:
            key = _matching_jwk(jwks, token)
            if key is not None:
                return key
        response = requests.get(
            endpoint,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        jwks = response.json()
        cache.set(kept, jwks, JWKS_SECONDS)
        key = _matching_jwk(jwks, token)
        if key is None:
            raise SuspiciousOperation("Could not find a valid JWKS.")
        return key

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> AbstractBaseUser | None:
        """Check the ID token's audience and issuer, read the claims, match the roll."""
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token is not for this client")
        issuer = self.provider.issuer
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("the ID token is from another issuer")
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("the user info is of another subject")
            claims.update(userinfo)
        identity = sso.Identity(
            protocol="oidc",
            account=sso.attribute(claims, "preferred_username")
            or sso.attribute(claims, "sub"),
            student_number=sso.attribute(claims, sso.oidc_match_claim()),
            ident=sso.attribute(claims, sso.oidc_ident_claim()),
        )
        return sso.sign_in_account(self.request, identity)

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        # Django's check that the account is active, which the library's skips.
        return ModelBackend.get_user(self, user_id)

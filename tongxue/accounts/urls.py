"""Account pages, mounted at /people/.

``tongxue.config.urls`` adds to this namespace the page inviting a congress's delegates
(``accounts:invite-delegates``), which is the congresses app's
(``tongxue.congresses.urls.account_urlpatterns``).
"""

from __future__ import annotations

from django.urls import path

from tongxue.accounts import activation_views, sso_views, views

app_name = "accounts"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/password/", views.PasswordChange.as_view(), name="password-change"),
    path("roles/<str:code>/", views.roles, name="roles"),
    path("roles/<str:code>/revoke/<int:pk>/", views.revoke, name="revoke"),
    path("roles/<str:code>/invite/", views.invite, name="invite"),
    path("invite/<str:token>/", views.redeem, name="redeem"),
    # Activating the roster (#14, docs/accounts.md): class sheets of codes, the
    # public activation page, and the link to the school mailbox (404 while unset).
    path(
        "roles/<str:code>/activation/",
        activation_views.issue,
        name="activation-issue",
    ),
    path("activate/", activation_views.activate, name="activate"),
    path("activate/mail/", activation_views.mail_link, name="activate-mail"),
    path(
        "activate/mail/sign-in/",
        activation_views.mail_sign_in,
        name="activate-mail-sign-in",
    ),
    path(
        "activate/password/",
        activation_views.set_password,
        name="activate-password",
    ),
    # Campus single sign-on (#14, docs/sso.md); 404 while switched off.
    path("sso/cas/login/", sso_views.CASLoginView.as_view(), name="sso-cas-login"),
    path("sso/oidc/login/", sso_views.OIDCLoginView.as_view(), name="sso-oidc-login"),
    path(
        "sso/oidc/callback/",
        sso_views.OIDCCallbackView.as_view(),
        name="sso-oidc-callback",
    ),
]

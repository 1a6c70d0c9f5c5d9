"""Sign-in and sign-out (django.contrib.auth views, throttled by axes).

The front page lists organisations: it is :func:`tongxue.organisations.views.home`.
The helpers every app's views share are in :mod:`tongxue.core.view_helpers`.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass

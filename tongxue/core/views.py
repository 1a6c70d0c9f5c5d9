"""Sign-in and sign-out (django.contrib.auth views, throttled by axes).

The front page lists organisations: it is :func:`tongxue.organisations.views.home`.
The helpers every app's views share are in :mod:`tongxue.core.view_helpers`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from tongxue.core.signin import FIRST_TIME, SIGN_IN, sign_in_options


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Campus single sign-on and other ways above the password form, the first
        # steps without a password (activation) below it (#14, core.signin).
        options = sign_in_options(self.request)
        return {
            **super().get_context_data(**kwargs),
            "sign_in_options": [o for o in options if o.place == SIGN_IN],
            "first_time_options": [o for o in options if o.place == FIRST_TIME],
        }


class LogoutView(auth_views.LogoutView):
    pass

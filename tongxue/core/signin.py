"""Other ways to sign in, shown on the sign-in page above the password form (#14).

The sign-in page is core's (:class:`tongxue.core.views.LoginView`); the ways to sign in
besides a password belong to the apps above (campus single sign-on in
``tongxue.accounts.sso``). Each registers a function on :data:`SIGN_IN_OPTIONS` in its
``AppConfig.ready()``; the function gets the request and returns the options to show
now (none when switched off), each a label, the URL it leads to and its place: another
way to sign in now (:data:`SIGN_IN`, a button above the password form: campus single
sign-on), or a first step for someone without a password yet (:data:`FIRST_TIME`, a
link below the form, after "First time?": activating the account with the roster's
code, or a sign-in link to the school mailbox, ``tongxue.accounts.activation_views``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from tongxue.core.hooks import Hook

logger = logging.getLogger(__name__)


#: The places of an option on the sign-in page (:attr:`SignInOption.place`).
SIGN_IN = "sign-in"
FIRST_TIME = "first-time"


@dataclass(frozen=True)
class SignInOption:
    """A link on the sign-in page: its text, where it leads (GET) and its place."""

    label: str
    url: str
    #: :data:`SIGN_IN` (a button above the password form) or :data:`FIRST_TIME`.
    place: str = SIGN_IN


SIGN_IN_OPTIONS: Hook[Callable[[HttpRequest], list[SignInOption]]] = Hook(
    "core.sign_in_options"
)


def sign_in_options(request: HttpRequest) -> list[SignInOption]:
    """Return every registered option for this request, in registration order.

    A failing provider of options is logged and left out: the password form must
    always be shown.
    """
    options: list[SignInOption] = []
    for provide in SIGN_IN_OPTIONS:
        try:
            options.extend(provide(request))
        except Exception:
            logger.exception("sign-in options of %r could not be listed", provide)
    return options

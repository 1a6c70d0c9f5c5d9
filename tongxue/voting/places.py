"""The open ballots on "my account" (moved from accounts, #13).

:class:`~tongxue.voting.apps.VotingConfig` registers :func:`ballot_places` on
:data:`tongxue.accounts.selectors.PLACES`: accounts, below voting, imports nothing of it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.urls import NoReverseMatch, reverse

from tongxue.accounts.selectors import Place
from tongxue.voting import selectors


def ballot_places(user: AbstractBaseUser) -> list[Place]:
    """Return a link to each ballot open to the user (``selectors.open_ballots_for``)."""
    open_ballots_for = getattr(selectors, "open_ballots_for", None)
    if open_ballots_for is None:
        return []
    places = []
    for b in list(open_ballots_for(user)):
        code = getattr(b, "code", None) or (
            b.get("code") if isinstance(b, dict) else None
        )
        if not code:
            continue
        title = (
            getattr(b, "title", None)
            or (b.get("title") if isinstance(b, dict) else None)
            or str(code)
        )
        try:
            url = reverse("voting:ballot", args=[code])
        except NoReverseMatch:
            continue
        places.append(Place(str(title), url, "ballot"))
    return places

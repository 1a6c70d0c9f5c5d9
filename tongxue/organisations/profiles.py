"""The profile that governs an organisation (the registry's part of every rule).

A rule's numbers come from the governing profile (:mod:`tongxue.domain.profiles`): the
organisation's own, else the nearest one set above it, else the installation's default
(``TONGXUE_DEFAULT_PROFILE``). Every app reads it here, a registry read below the
feature apps (docs/architecture.md), never through another app's services.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from tongxue.core.errors import refuse
from tongxue.domain.profiles import Profile, ProfileError, load_profile
from tongxue.organisations.models import Organisation

__all__ = ["governing_profile"]


def governing_profile(org: Organisation) -> Profile:
    """Return the profile of ``org``: its own, the nearest set above, or the default."""
    codes = [c for c in org.path.split("/") if c]
    profiles = dict(
        Organisation.objects.filter(code__in=codes).values_list("code", "profile")
    )
    code = next(
        (profiles[c] for c in reversed(codes) if profiles.get(c)),
        settings.TONGXUE_DEFAULT_PROFILE,
    )
    dirs = tuple(Path(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())
    try:
        return load_profile(code, search=dirs)
    except ProfileError:
        raise refuse(
            "invalid", gettext_noop("Unknown profile “{value}”."), value=code
        ) from None

"""The organisation named in a URL, for the views of every app (#13).

It needs the registry's model, so it lives here rather than in
:mod:`tongxue.core.view_helpers` (core sits below the registry); the views of the feature
apps import it from here, never from :mod:`tongxue.organisations.views`.
"""

from __future__ import annotations

from django.http import Http404

from tongxue.organisations import selectors
from tongxue.organisations.models import Organisation


def get_or_404(code: str) -> Organisation:
    """Return the organisation ``code`` with its parent, or raise Http404."""
    try:
        return selectors.get_organisation(code=code)
    except Organisation.DoesNotExist:
        raise Http404(code) from None

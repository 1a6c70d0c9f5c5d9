"""The advocacy pages (RGT-2, RGT-3, RGT-4), mounted at /advocacy/, and the links on a
union's page (:func:`organisation_context`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tongxue.advocacy.selectors import FEDERATIONS, SCHOOL_LEVEL
from tongxue.advocacy.views.legal_aid import contact_edit, directory, refer
from tongxue.advocacy.views.meetings import (
    meeting,
    meeting_action,
    meeting_edit,
    meetings,
)
from tongxue.advocacy.views.participation import (
    committee_add,
    committee_edit,
    participation,
    participation_add,
    request_answer,
    requests,
)
from tongxue.core.permissions import Perm
from tongxue.organisations.models import Organisation

__all__ = [
    "committee_add",
    "committee_edit",
    "contact_edit",
    "directory",
    "meeting",
    "meeting_action",
    "meeting_edit",
    "meetings",
    "organisation_context",
    "participation",
    "participation_add",
    "refer",
    "request_answer",
    "requests",
]


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The links of a union's page to its advocacy pages (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT` by ``AdvocacyConfig.ready()``):
    a school-level union's legal aid, face-to-face meetings and participation; a
    federation's meetings. No query."""
    if org.kind in SCHOOL_LEVEL:
        links = [
            ("legal-aid-link", _("Legal aid"), "advocacy:legal_aid"),
            ("face-meetings-link", _("Face-to-face meetings"), "advocacy:meetings"),
            (
                "participation-link",
                _("Participation in school decisions"),
                "advocacy:participation",
            ),
        ]
    elif org.kind in FEDERATIONS:
        links = [
            ("face-meetings-link", _("Face-to-face meetings"), "advocacy:meetings")
        ]
    else:
        return {}
    return {
        "advocacy_links": [
            {"id": id_, "label": label, "url": reverse(name, args=[org.code])}
            for id_, label, name in links
        ]
    }

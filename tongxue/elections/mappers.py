"""The elections' part of the registry (#13): ELE-1, ELE-3.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``ElectionsConfig.ready()``.
"""

from __future__ import annotations

from tongxue.domain import model as dm
from tongxue.elections.models import Election, RecordedElection
from tongxue.organisations.mappers import Part, Scope


def registry_part(scope: Scope) -> Part:
    """The elections of the subtree (two queries).

    The elections run here with the meeting that elects (one query), then the elections
    recorded by an import (one query; one run here wins on the same code).
    """
    elections = [
        dm.Election(org, code, meeting, post, status)
        for org, code, meeting, post, status in scope.rows(
            lambda s: (
                Election.objects.filter(s.under("organisation__"))
                .values_list(
                    "organisation__code", "code", "meeting__code", "post", "status"
                )
                .order_by("organisation__code", "code")
            )
        )
    ]
    run = {e.code for e in elections}
    elections.extend(
        dm.Election(org, code, meeting or None, post, status)
        for org, code, meeting, post, status in scope.rows(
            lambda s: (
                RecordedElection.objects.filter(s.under("organisation__"))
                .values_list("organisation__code", "code", "meeting", "post", "status")
                .order_by("organisation__code", "code")
            )
        )
        if code not in run
    )
    elections.sort(key=lambda e: (e.organisation, e.code))
    return Part(fields={"elections": tuple(elections)})


def to_domain(election: Election) -> dm.Election:
    """The domain's view of one election, as the registry holds it (ELE-1, ELE-3)."""
    return dm.Election(
        election.organisation.code,
        election.code,
        election.meeting.code if election.meeting_id else None,
        election.post,
        election.status,
    )

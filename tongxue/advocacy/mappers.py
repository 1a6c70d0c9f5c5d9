"""What the audit reads of the union's advocacy (RGT-2, RGT-3, RGT-4): dates and counts.

Four queries whatever the size of the subtree: the legal-aid directory's active entries
and the referrals of each union (one grouped query), the face-to-face meetings held, the
committees with the meetings attended (one query, a left join), and the written
requests. Never a text, a student or a concern.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``AdvocacyConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from tongxue.advocacy.models import (
    Committee,
    Dialogue,
    DialogueStatus,
    LegalAidContact,
    Referral,
    WrittenRequest,
)
from tongxue.domain import model as dm
from tongxue.organisations.mappers import Part, Scope


def registry_part(scope: Scope) -> Part:
    """The advocacy records of the subtree (four queries)."""
    return Part(fields={"advocacy": advocacy(scope)})


def advocacy(scope: Scope) -> dm.Advocacy:
    return dm.Advocacy(
        legal_aid=legal_aid(scope),
        meetings=meetings(scope),
        **committees(scope),
        requests=tuple(
            dm.AdvocacyRequest(code, kind, sent)
            for code, kind, sent in scope.rows(
                lambda s: (
                    WrittenRequest.objects.filter(s.under("union__"))
                    .order_by("union__code", "sent_on", "pk")
                    .values_list("union__code", "kind", "sent_on")
                )
            )
        ),
    )


def legal_aid(scope: Scope) -> tuple[dm.LegalAidLinks, ...]:
    """Each union's active directory entries and referrals (one query: the two counts
    per union in a UNION ALL, the referrals' negated to tell them apart)."""
    contacts: dict[str, int] = {}
    referrals: dict[str, int] = {}
    for code, n in scope.rows(_legal_aid_rows):
        if n >= 0:
            contacts[code] = contacts.get(code, 0) + n
        else:
            referrals[code] = referrals.get(code, 0) - n
    return tuple(
        dm.LegalAidLinks(code, contacts.get(code, 0), referrals.get(code, 0))
        for code in sorted(contacts.keys() | referrals.keys())
    )


def _legal_aid_rows(scope: Scope) -> QuerySet[Any]:
    return (
        LegalAidContact.objects.filter(scope.under("union__"), active=True)
        .order_by()
        .values("union__code")
        .annotate(n=Count("pk"))
        .values_list("union__code", "n")
        .union(
            Referral.objects.filter(scope.under("union__"))
            .order_by()
            .values("union__code")
            .annotate(n=-Count("pk"))
            .values_list("union__code", "n"),
            all=True,
        )
    )


def meetings(scope: Scope) -> tuple[dm.FaceMeeting, ...]:
    """The face-to-face meetings held (a planned or cancelled one does not count)."""
    return tuple(
        dm.FaceMeeting(code, kind, timezone.localdate(starts))
        for code, kind, starts in scope.rows(
            lambda s: (
                Dialogue.objects.filter(
                    s.under("organiser__"), status=DialogueStatus.HELD
                )
                .order_by("organiser__code", "starts", "pk")
                .values_list("organiser__code", "kind", "starts")
            )
        )
    )


def committees(
    scope: Scope,
) -> dict[str, tuple[dm.CommitteeSeat, ...] | tuple[dm.Participation, ...]]:
    """The seats and the meetings attended (one query: committees left-joined to
    their meetings, a committee without any comes back once)."""
    seats: dict[int, dm.CommitteeSeat] = {}
    attended: list[dm.Participation] = []
    for pk, code, kind, since, until, held in scope.rows(
        lambda s: (
            Committee.objects.filter(s.under("union__"))
            .order_by("union__code", "pk", "participations__held")
            .values_list(
                "pk", "union__code", "kind", "since", "until", "participations__held"
            )
        )
    ):
        seats.setdefault(pk, dm.CommitteeSeat(code, kind, since, until))
        if held is not None:
            attended.append(dm.Participation(code, kind, held))
    return {"seats": tuple(seats.values()), "participations": tuple(attended)}

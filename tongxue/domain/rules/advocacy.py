"""Rules on the union's advocacy: RGT-2 (legal aid), RGT-3 (face-to-face meetings) and
RGT-4 (participation in the school's decisions) · GS-10, GS-4, CQ-5.

All read the registry's advocacy records (:class:`~tongxue.domain.model.Advocacy`:
dates and counts, never a text or a student). A registry that does not record them (a
snapshot: ``advocacy`` is None) is not judged.

"经常性联系" (RGT-2) is read as a link on record: an active entry of the union's
legal-aid directory or a concern referred to legal aid. The plans name no interval for
the meetings of RGT-3 and RGT-4; the profile's ``*_interval_months`` do (Tongxue's
defaults, with their notes): at least one within *n* months ending on the audit day
(:func:`tongxue.domain.dates.within_months`: a meeting exactly *n* months before is in
time, one a day earlier is not). At school level the reception days and exchange
meetings are something the union pushes the school to hold (推动学校设立……): the part is
optional (O), so a union with neither such a meeting nor a written request for one is
told so as a recommendation; the same for a seat on the school affairs committee
(RGT-4, 推动……成为校务委员会……成员).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before, within_months
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Advocacy, FaceMeeting, OrgKind
from tongxue.domain.model.advocacy import (
    GOVERNMENT_MEETINGS,
    SCHOOL_AFFAIRS,
    SCHOOL_MEETINGS,
    RequestKind,
)
from tongxue.domain.rules.organisation import applies, school_level_unions

#: RGT-3 (GS-4): the longest interval between a federation's meetings with people's
#: congress deputies, CPPCC members or government departments.
FEDERATION_PARAM = "federation_dialogue_interval_months"
#: RGT-3 (school part, O): between reception days or exchange meetings (or requests).
RECEPTION_PARAM = "reception_day_interval_months"
#: RGT-4: between meetings of a school committee the union attended.
PARTICIPATION_PARAM = "participation_interval_months"

FEDERATION_KINDS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)
#: The written requests that push for the school's face-to-face mechanisms (RGT-3).
MEETING_REQUESTS = frozenset({RequestKind.RECEPTION_DAY, RequestKind.OFFICE_EXCHANGE})


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "-"


@rule("RGT-2")
def legal_aid(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-2 · GS-10, CQ-5: the union keeps regular links with public-interest lawyers
    and legal aid bodies (与相关公益律师机构、法律援助机构建立经常性联系).

    Every school-level union of a university, when the registry records advocacy: an
    active entry in its legal-aid directory or a concern it referred to legal aid
    (``RGT-2.no-legal-aid``).
    """
    advocacy = ctx.registry.advocacy
    if advocacy is None:
        return
    for union in school_level_unions(ctx.registry):
        links = advocacy.legal_aid_of.get(union.code)
        if links is not None and (links.contacts or links.referrals):
            continue
        yield ctx.finding(
            rule="RGT-2.no-legal-aid",
            org=union.code,
            params=(),
            message=_(
                "{org} has no link with public-interest lawyers or legal aid bodies on record: no entry in its legal-aid directory and no concern referred."
            ),
            evidence={"legal_aid_contacts": 0, "referrals": 0},
        )


def _newest(
    advocacy: Advocacy, code: str, kinds: frozenset[str], as_of: date
) -> FaceMeeting | None:
    """The newest meeting of ``kinds`` the organisation held by ``as_of``, or None."""
    return next(
        (
            m
            for m in advocacy.meetings_of.get(code, ())
            if m.kind in kinds and m.held <= as_of
        ),
        None,
    )


@rule("RGT-3")
def face_to_face(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-3 · GS-4, GS-10, CQ-5: face-to-face meetings.

    * A federation (provincial or city) meets people's congress deputies and CPPCC
      members or government departments (借助“与人大代表、政协委员面对面”等途径，构建与
      政府……的沟通协调渠道): at least one such meeting within the profile's
      ``federation_dialogue_interval_months`` (``RGT-3.no-government-meeting``, M).
    * A school-level union of a university pushes the school to hold leaders'
      reception days and exchange meetings with its offices: a reception day or an
      exchange meeting held, or a written request to the school for one, within
      ``reception_day_interval_months`` (``RGT-3.no-reception-day``, O: a
      recommendation).
    """
    reg = ctx.registry
    advocacy = reg.advocacy
    if advocacy is None:
        return
    for fed in reg.of_kind(*FEDERATION_KINDS):
        profile = ctx.profile(fed.code)
        if not applies(profile, FEDERATION_PARAM):
            continue
        months = profile.int(FEDERATION_PARAM)
        last = _newest(advocacy, fed.code, GOVERNMENT_MEETINGS, ctx.as_of)
        if last is not None and within_months(last.held, ctx.as_of, months):
            continue
        yield ctx.finding(
            rule="RGT-3.no-government-meeting",
            org=fed.code,
            params=(FEDERATION_PARAM,),
            message=_(
                "{org}: no meeting with people's congress deputies, CPPCC members or government departments is on record within {max_interval_months} months (since {since}; the last: {last_meeting})."
            ),
            evidence={
                "last_meeting": _day(last.held if last else None),
                "max_interval_months": months,
                "since": months_before(ctx.as_of, months).isoformat(),
            },
        )
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, RECEPTION_PARAM):
            continue
        months = profile.int(RECEPTION_PARAM)
        last = _newest(advocacy, union.code, SCHOOL_MEETINGS, ctx.as_of)
        if last is not None and within_months(last.held, ctx.as_of, months):
            continue
        asked = next(
            (
                r
                for r in advocacy.requests_of.get(union.code, ())
                if r.kind in MEETING_REQUESTS and r.sent <= ctx.as_of
            ),
            None,
        )
        if asked is not None and within_months(asked.sent, ctx.as_of, months):
            continue
        yield ctx.finding(
            rule="RGT-3.no-reception-day",
            org=union.code,
            params=(RECEPTION_PARAM,),
            message=_(
                "{org}: no school leaders' reception day or exchange meeting with the school's offices was held within {max_interval_months} months (since {since}), and no written request to the school to hold one is on record."
            ),
            evidence={
                "last_meeting": _day(last.held if last else None),
                "last_request": _day(asked.sent if asked else None),
                "max_interval_months": months,
                "since": months_before(ctx.as_of, months).isoformat(),
            },
        )


@rule("RGT-4")
def participation(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-4 · GS-10, CQ-5: the school-level union takes part in the school's decisions
    (应合理参与学校在涉及教育教学、后勤管理、学生奖惩等……的决策、管理和评价工作).

    Every school-level union of a university, when the registry records advocacy:

    * a meeting of a school committee it attended (its position carried, the outcome
      recorded) within the profile's ``participation_interval_months``
      (``RGT-4.no-participation``, M);
    * a seat on the school affairs committee (校务委员会) on the audit day, or a written
      request for a committee seat on record (``RGT-4.no-committee-seat``, O: the
      union pushes, 推动, a recommendation).
    """
    reg = ctx.registry
    advocacy = reg.advocacy
    if advocacy is None:
        return
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if applies(profile, PARTICIPATION_PARAM):
            months = profile.int(PARTICIPATION_PARAM)
            last = next(
                (
                    p
                    for p in advocacy.participations_of.get(union.code, ())
                    if p.held <= ctx.as_of
                ),
                None,
            )
            if last is None or not within_months(last.held, ctx.as_of, months):
                yield ctx.finding(
                    rule="RGT-4.no-participation",
                    org=union.code,
                    params=(PARTICIPATION_PARAM,),
                    message=_(
                        "{org}: no participation in the school's decisions is on record within {max_interval_months} months (since {since}; the last: {last_participation})."
                    ),
                    evidence={
                        "last_participation": _day(last.held if last else None),
                        "max_interval_months": months,
                        "since": months_before(ctx.as_of, months).isoformat(),
                    },
                )
        seated = any(
            s.committee == SCHOOL_AFFAIRS and s.held_on(ctx.as_of)
            for s in advocacy.seats_of.get(union.code, ())
        )
        asked = any(
            r.kind == RequestKind.COMMITTEE_SEAT and r.sent <= ctx.as_of
            for r in advocacy.requests_of.get(union.code, ())
        )
        if not seated and not asked:
            yield ctx.finding(
                rule="RGT-4.no-committee-seat",
                org=union.code,
                params=(),
                message=_(
                    "{org} has no seat on the school affairs committee and no written request for one on record."
                ),
                evidence={},
            )

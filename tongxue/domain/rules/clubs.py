"""Rules on the union's student clubs: ORG-14 · GS-6, GS-14, CQ-1, CQ-9.

"各级学生会组织要配合团组织加强对学生社团的引导、管理和服务" (GS-6, CQ-1);
"协助团组织加强对学生社团的管理，把好学生社团活动的政治关……规范日常活动，促进有序发展"
(GS-14, CQ-9). Read from the registry's club records (:class:`~tongxue.domain.model.
clubs.Clubs`: registered clubs, approved or held activities; dates and references, never
a name of a student or an activity's content). A registry that does not record them (a
snapshot: ``clubs`` is None) is not judged, nor a school-level union without a club on
its register.

* ``ORG-14.unreviewed-activity`` (part ``review``, M → violation): an activity held
  without an approving review before it began (把好政治关) — never approved, or
  approved only after its start. The services refuse it, so this finds what came
  around them (an activity recorded held by an import or by hand).
* ``ORG-14.inactive-club`` (part ``regular``, D → deviation): an active club, registered
  before the last finished term began, with fewer than the profile's
  ``club_activities_min_per_term`` activities registered with the union and approved
  (held or to be held) dated in that term (规范日常活动). The plans give no number: one a
  term is Tongxue's default, and the union may justify a club that paused for a reason
  (a term abroad, a club in reorganisation), hence a deviation. Exactly the minimum is
  regular; one fewer is not. Suspended and dissolved clubs are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.clubs import COUNTED, ActivityStatus, ClubStatus
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.rules.disclosure import previous_term, term_end
from tongxue.domain.rules.organisation import applies, school_level_unions

#: ORG-14 · regular: the fewest approved activities an active club registers a term.
TERM_PARAMETER = "club_activities_min_per_term"


@rule("ORG-14")
def clubs_guided(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-14 · GS-6, GS-14, CQ-1, CQ-9: club activities reviewed before they are held;
    clubs active every term (see the module)."""
    records = ctx.registry.clubs
    if records is None:
        return
    term = previous_term(ctx.as_of)
    start, end = term.start, term_end(term)
    for union in school_level_unions(ctx.registry):
        code = union.code
        clubs = records.clubs_of.get(code, [])
        if not clubs:
            continue
        activities = records.activities_of.get(code, [])
        unreviewed = [
            a
            for a in activities
            if a.status == ActivityStatus.HELD
            and a.day <= ctx.as_of
            and (a.approved is None or a.approved > a.starts)
        ]
        if unreviewed:
            yield ctx.finding(
                rule="ORG-14.unreviewed-activity",
                org=code,
                params=(),
                message=_(
                    "{org}: {unreviewed_count} club activities were held without a review approving them before they began (the first on {first_unreviewed})."
                ),
                evidence={
                    "unreviewed_count": len(unreviewed),
                    "first_unreviewed": unreviewed[0].day.isoformat(),
                    "unreviewed_activities": [a.activity for a in unreviewed],
                },
            )
        profile = ctx.profile(code)
        if not applies(profile, TERM_PARAMETER):
            continue
        minimum = profile.int(TERM_PARAMETER)
        judged = [
            c for c in clubs if c.status == ClubStatus.ACTIVE and c.registered <= start
        ]
        if not judged:
            continue
        counts = {c.club: 0 for c in judged}
        for a in activities:
            if a.club in counts and a.status in COUNTED and start <= a.day <= end:
                counts[a.club] += 1
        inactive = [c for c in judged if counts[c.club] < minimum]
        if not inactive:
            continue
        yield ctx.finding(
            rule="ORG-14.inactive-club",
            org=code,
            params=(TERM_PARAMETER,),
            message=_(
                "{org}: {inactive_count} of its {clubs_judged} active clubs registered fewer than {minimum} approved activities in the term {term} ({term_start} to {term_end})."
            ),
            evidence={
                "term": term.code,
                "term_start": start.isoformat(),
                "term_end": end.isoformat(),
                "clubs_judged": len(judged),
                "inactive_count": len(inactive),
                "minimum": minimum,
                "inactive_clubs": [f"{c.club} {c.name}" for c in inactive],
            },
        )

"""The :class:`Registry`: every record about a set of organisations, indexed for
the rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from tongxue.domain.model.advocacy import Advocacy
from tongxue.domain.model.cadres import EvaluationPeriod, Semester
from tongxue.domain.model.clubs import Clubs
from tongxue.domain.model.concerns import ConcernChannel, OpenConcerns
from tongxue.domain.model.consultations import Consultation
from tongxue.domain.model.disclosure import Disclosure
from tongxue.domain.model.elections import Election
from tongxue.domain.model.finances import Finances
from tongxue.domain.model.justifications import Justification
from tongxue.domain.model.meetings import (
    Meeting,
    MeetingKind,
    StandingConference,
    WrittenReport,
)
from tongxue.domain.model.organisations import (
    UNION_KINDS,
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
)
from tongxue.domain.model.oversight import Guidance, Review
from tongxue.domain.model.projects import ProjectRecord
from tongxue.domain.model.surveys import UnionEvaluation


@dataclass(frozen=True)
class Registry:
    """Everything known about a set of organisations, indexed for the rules."""

    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    positions: tuple[Position, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    reviews: tuple[Review, ...] = ()
    justifications: tuple[Justification, ...] = ()
    semesters: tuple[Semester, ...] = ()
    evaluations: tuple[EvaluationPeriod, ...] = ()  # CAD-3
    elections: tuple[Election, ...] = ()
    default_profile: str = "gansu-2017"
    written_reports: tuple[WrittenReport, ...] = ()
    standing_conferences: tuple[StandingConference, ...] = ()
    guidance: tuple[Guidance, ...] = ()
    # (department union code, grade) of enrolled students the registry does not list
    # one by one: the database's summary, so that CON-4 knows every department's
    # grades without loading every student (a snapshot lists its people instead).
    enrolled_grades: tuple[tuple[str, int], ...] = ()
    # RGT-1, CAD-8: the channel for concerns of each school-level union that has a
    # category or a concern (a union missing has neither), and the open concerns by
    # deadline. None: the source does not record concerns (a snapshot): not judged.
    concern_channels: tuple[ConcernChannel, ...] | None = None
    open_concerns: tuple[OpenConcerns, ...] = ()
    # RGT-2, RGT-3, RGT-4: legal aid, face-to-face meetings, participation in the
    # school's decisions and written requests (tongxue.advocacy). None: the source does
    # not record them (a snapshot): not judged.
    advocacy: Advocacy | None = None
    # RGT-5: the consultations of students by federations (网上学联, tongxue.voice).
    # None: the source does not record them (a snapshot): not judged.
    consultations: tuple[Consultation, ...] | None = None
    # RGT-6: the people (ids) among the subtree's delegates and post holders who have a
    # contact route: an active account linked to them, which the relay reaches
    # (tongxue.voice). None: the source does not record accounts (a snapshot): not
    # judged.
    reachable: frozenset[str] | None = None
    # RGT-6: the organisations (codes) where someone holds a role in Tongxue. A
    # school-level union with none at it or below is not run on Tongxue (imported, its
    # people without accounts): its accounts say nothing of its routes, and it is not
    # judged. None: every union is judged (the domain's own registries).
    role_holders: frozenset[str] | None = None
    # TRN-4: the union's finances: disclosures by term, expenditures not approved,
    # self-approvals (tongxue.finances). None: the source does not record them (a
    # snapshot): not judged.
    finances: Finances | None = None
    # TRN-1, TRN-5 (TRN-6): rules in force, what a union published on its public page,
    # official accounts (tongxue.disclosure). None: the source does not record them (a
    # snapshot): not judged.
    disclosure: Disclosure | None = None
    # ORG-14: the unions' registered clubs and their approved or held activities
    # (tongxue.clubs). None: the source does not record them (a snapshot): not judged.
    clubs: Clubs | None = None
    # TRN-2: the surveys in which students evaluated the unions (tongxue.surveys): dates
    # only. None: the source does not record them (a snapshot): not judged.
    union_evaluations: tuple[UnionEvaluation, ...] | None = None
    # ORG-11: the unions' projects (tongxue.projects): state and dates only. None: the
    # source does not record them (a snapshot): not judged.
    projects: tuple[ProjectRecord, ...] | None = None

    @cached_property
    def grades_of(self) -> dict[str, set[int]]:
        """The grades of each department union's enrolled students (CON-4)."""
        out: dict[str, set[int]] = defaultdict(set)
        for department, grade in self.enrolled_grades:
            out[department].add(grade)
        for p in self.people:
            if (
                p.kind == PersonKind.STUDENT
                and p.enrolment == Enrolment.ENROLLED
                and p.department is not None
                and p.grade is not None
            ):
                out[p.department].add(p.grade)
        return out

    @cached_property
    def org(self) -> dict[str, Organisation]:
        return {o.code: o for o in self.organisations}

    @cached_property
    def person(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def children(self) -> dict[str, list[Organisation]]:
        out: dict[str, list[Organisation]] = defaultdict(list)
        for o in self.organisations:
            if o.parent is not None:
                out[o.parent].append(o)
        return out

    @cached_property
    def positions_held(self) -> dict[str, list[Position]]:
        """The positions of each person (by person id), in the registry's order."""
        out: dict[str, list[Position]] = {}
        for p in self.positions:
            out.setdefault(p.person, []).append(p)
        return out

    @cached_property
    def positions_of(self) -> dict[str, list[Position]]:
        out: dict[str, list[Position]] = defaultdict(list)
        for p in self.positions:
            out[p.organisation].append(p)
        return out

    @cached_property
    def meetings_of(self) -> dict[str, list[Meeting]]:
        """Meetings of each organisation, newest first."""
        out: dict[str, list[Meeting]] = defaultdict(list)
        for m in sorted(self.meetings, key=lambda m: m.opened, reverse=True):
            out[m.organisation].append(m)
        return out

    def held_meetings(
        self, code: str, as_of: date, *kinds: MeetingKind
    ) -> Iterator[Meeting]:
        """Yield the meetings of ``kinds`` an organisation held by ``as_of``, newest first.

        Only meetings that took place count (:meth:`Meeting.held_by`): a planned
        congress, or one that reached "delegates elected" and never convened, does not.
        """
        for m in self.meetings_of.get(code, ()):
            if m.kind in kinds and m.held_by(as_of):
                yield m

    def next_planned(
        self, code: str, as_of: date, *kinds: MeetingKind
    ) -> Meeting | None:
        """Return the earliest meeting of ``kinds`` still to come on ``as_of``, or None."""
        upcoming = [
            m
            for m in self.meetings_of.get(code, ())
            if m.kind in kinds and m.planned_after(as_of)
        ]
        return min(upcoming, key=lambda m: (m.opened, m.code)) if upcoming else None

    @cached_property
    def written_reports_of(self) -> dict[str, list[WrittenReport]]:
        """Written work reports of each union, newest first (CON-13)."""
        out: dict[str, list[WrittenReport]] = defaultdict(list)
        for r in sorted(self.written_reports, key=lambda r: r.filed, reverse=True):
            out[r.organisation].append(r)
        return out

    @cached_property
    def evaluations_of(self) -> dict[str, list[EvaluationPeriod]]:
        """Evaluation periods of each union, the newest (by last day) first (CAD-3)."""
        out: dict[str, list[EvaluationPeriod]] = defaultdict(list)
        for e in sorted(self.evaluations, key=lambda e: (e.end, e.code), reverse=True):
            out[e.organisation].append(e)
        return out

    @cached_property
    def channel_of(self) -> dict[str, ConcernChannel]:
        """The channel for concerns of each union that has one (RGT-1)."""
        return {c.union: c for c in self.concern_channels or ()}

    @cached_property
    def open_concerns_of(self) -> dict[str, list[OpenConcerns]]:
        """The open concerns of each union, grouped by deadlines (RGT-1, CAD-8)."""
        out: dict[str, list[OpenConcerns]] = defaultdict(list)
        for c in self.open_concerns:
            out[c.union].append(c)
        return out

    @cached_property
    def consultations_of(self) -> dict[str, list[Consultation]]:
        """The consultations of each federation, the newest (by opening day) first
        (RGT-5)."""
        out: dict[str, list[Consultation]] = defaultdict(list)
        ordered = sorted(
            self.consultations or (), key=lambda c: (c.opens, c.number), reverse=True
        )
        for c in ordered:
            out[c.federation].append(c)
        return out

    @cached_property
    def guidance_of(self) -> dict[str, list[Guidance]]:
        """Records of guidance of each union, newest first (GOV-1, GOV-2)."""
        out: dict[str, list[Guidance]] = defaultdict(list)
        for g in sorted(self.guidance, key=lambda g: g.held, reverse=True):
            out[g.organisation].append(g)
        return out

    def standing_conference_adopted(self, code: str, as_of: date) -> date | None:
        """Return the day a union adopted its standing conference by ``as_of``, or None.

        The earliest of its recorded adoptions and of its standing-conference meetings
        that took place (CON-8 … CON-10 apply from then on).
        """
        days = [
            s.adopted
            for s in self.standing_conferences
            if s.organisation == code and s.adopted <= as_of
        ]
        days += [
            m.opened
            for m in self.held_meetings(code, as_of, MeetingKind.STANDING_CONFERENCE)
        ]
        return min(days) if days else None

    @cached_property
    def meeting_by_code(self) -> dict[str, Meeting]:
        return {m.code: m for m in self.meetings}

    @cached_property
    def reviews_by(self) -> dict[str, list[Review]]:
        out: dict[str, list[Review]] = defaultdict(list)
        for r in self.reviews:
            out[r.reviewer].append(r)
        return out

    @cached_property
    def justified(self) -> dict[tuple[str, str], Justification]:
        """Justifications keyed by (organisation code, rule id)."""
        return {(j.organisation, j.rule): j for j in self.justifications}

    def kids(self, code: str, kind: OrgKind | None = None) -> list[Organisation]:
        kids = self.children.get(code, [])
        return kids if kind is None else [k for k in kids if k.kind == kind]

    def ancestors(self, code: str) -> Iterator[Organisation]:
        """Yield the organisation's parent, grandparent … up to the root."""
        seen = {code}
        parent = self.org[code].parent if code in self.org else None
        while parent is not None and parent in self.org and parent not in seen:
            seen.add(parent)
            yield self.org[parent]
            parent = self.org[parent].parent

    @cached_property
    def _schools(self) -> dict[str, Organisation | None]:
        """:meth:`school_of` of the codes asked so far (rules ask once per position)."""
        return {}

    def school_of(self, code: str) -> Organisation | None:
        """Return the school an organisation belongs to (itself if it is one)."""
        memo = self._schools
        if code in memo:
            return memo[code]
        org = self.org.get(code)
        if org is not None and org.kind == OrgKind.SCHOOL:
            found: Organisation | None = org
        else:
            found = next(
                (a for a in self.ancestors(code) if a.kind == OrgKind.SCHOOL), None
            )
        memo[code] = found
        return found

    def union_of(self, code: str) -> Organisation | None:
        """Return the union (school, graduate or department level) an org belongs to."""
        org = self.org.get(code)
        if org is not None and org.kind in UNION_KINDS:
            return org
        return next((a for a in self.ancestors(code) if a.kind in UNION_KINDS), None)

    @cached_property
    def _profile_codes(self) -> dict[str, str]:
        """:meth:`profile_code` of the codes asked so far."""
        return {}

    def profile_code(self, code: str) -> str:
        """Return the profile governing an organisation: its own, or the nearest set above."""
        memo = self._profile_codes
        found = memo.get(code)
        if found is None:
            found = memo[code] = self._find_profile_code(code)
        return found

    def _find_profile_code(self, code: str) -> str:
        org = self.org.get(code)
        if org is not None and org.profile:
            return org.profile
        for a in self.ancestors(code):
            if a.profile:
                return a.profile
        return self.default_profile

    def of_kind(self, *kinds: OrgKind) -> Iterable[Organisation]:
        wanted = set(kinds)
        return (o for o in self.organisations if o.kind in wanted)

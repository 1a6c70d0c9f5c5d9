"""Small helpers to build :class:`Registry` values in domain tests.

``compliant()`` returns a builder for one university whose school union satisfies every
rule of gansu-2017 on :data:`AS_OF`; tests change one thing and look at what the audit
says, so each test shows the exact boundary it crosses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from tongxue.domain.audit import audit
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.domain.findings import Finding
from tongxue.domain.model import (
    DelegateProvenance,
    DepartmentFunction,
    Election,
    EvaluationPeriod,
    Guidance,
    GuidanceKind,
    Justification,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
    Registry,
    Review,
    Role,
    SchoolType,
    SeatPlan,
    StandingConference,
    WrittenReport,
)

AS_OF = date(2024, 6, 30)
LONG_AGO = date(2020, 9, 1)
STUDENTS = 18_406  # 1% = 184.06: at most 184 core members, at least 185 delegates

TITLES = {
    Role.PRESIDENT: "主席",
    Role.VICE_PRESIDENT: "副主席",
    Role.SECRETARY_GENERAL: "秘书长",
    Role.DEPARTMENT_HEAD: "部长",
    Role.DEPARTMENT_DEPUTY: "副部长",
    Role.CORE_MEMBER: "骨干成员",
    Role.MEMBER: "干事",
}


@dataclass
class Builder:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    positions: list[Position] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    justifications: list[Justification] = field(default_factory=list)
    default_profile: str = "gansu-2017"
    written_reports: list[WrittenReport] = field(default_factory=list)
    standing_conferences: list[StandingConference] = field(default_factory=list)
    elections: list[Election] = field(default_factory=list)
    guidance: list[Guidance] = field(default_factory=list)
    evaluations: list[EvaluationPeriod] = field(default_factory=list)
    _seq: int = 0

    # -- organisations

    def org(
        self, code: str, kind: OrgKind, parent: str | None = None, **kw: Any
    ) -> str:
        self.organisations[code] = Organisation(
            code=code,
            name=kw.pop("name", f"Org {code}"),
            kind=kind,
            parent=parent,
            **kw,
        )
        return code

    def update(self, code: str, **kw: Any) -> None:

        self.organisations[code] = replace(self.organisations[code], **kw)

    def school(
        self,
        code: str = "S",
        *,
        school_type: SchoolType = SchoolType.GENERAL_UNIVERSITY,
        students: int | None = STUDENTS,
        **kw: Any,
    ) -> str:
        return self.org(
            code,
            OrgKind.SCHOOL,
            school_type=school_type,
            students_served=students,
            **kw,
        )

    def dept(
        self,
        code: str,
        union: str,
        function: DepartmentFunction = DepartmentFunction.OTHER,
    ) -> str:
        return self.org(code, OrgKind.FUNCTIONAL_DEPARTMENT, union, function=function)

    # -- people and positions

    def person(
        self, pid: str | None = None, kind: PersonKind = PersonKind.STUDENT
    ) -> str:
        if pid is None:
            self._seq += 1
            pid = f"p{self._seq}"
        self.people[pid] = Person(id=pid, name=f"Person {pid}", kind=kind)
        return pid

    def post(
        self,
        org: str,
        role: Role,
        person: str | None = None,
        *,
        title: str | None = None,
        start: date = LONG_AGO,
        **kw: Any,
    ) -> str:
        """Give a (new) person a position; return the person id."""
        pid = person if person is not None else self.person()
        if role in (Role.PRESIDENT, Role.VICE_PRESIDENT) and "public_contact" not in kw:
            kw["public_contact"] = f"{pid}@union.example.edu.cn"
        if "election" not in kw:
            # A post added where an election of it is recorded: filled by that election.
            kw["election"] = next(
                (
                    e.code
                    for e in reversed(self.elections)
                    if e.organisation == org and e.post == role.value
                ),
                None,
            )
        self.positions.append(
            Position(
                organisation=org,
                person=pid,
                role=role,
                title=title if title is not None else TITLES.get(role, role.value),
                start=start,
                **kw,
            )
        )
        return pid

    def posts(self, org: str, role: Role, n: int, **kw: Any) -> list[str]:
        return [self.post(org, role, **kw) for _ in range(n)]

    def remove_posts(self, org: str, role: Role, n: int = 1) -> None:
        for _ in range(n):
            i = next(
                i
                for i, p in enumerate(self.positions)
                if p.organisation == org and p.role == role
            )
            del self.positions[i]

    def elect(
        self, org: str, role: Role, meeting: str | None, *, status: str = "effective"
    ) -> str:
        """Record an election of ``role`` at ``org`` by ``meeting`` (ELE-1, ELE-3); the
        holders of ``role`` there without one record it. Return its code."""
        code = f"E-{org}-{role.value}-{len(self.elections) + 1}"
        self.elections.append(Election(org, code, meeting, role.value, status))
        self.positions = [
            replace(p, election=code)
            if p.organisation == org and p.role == role and p.election is None
            else p
            for p in self.positions
        ]
        return code

    # -- meetings, reviews, justifications

    def meeting(
        self,
        org: str,
        kind: MeetingKind,
        opened: date,
        *,
        delegates: int | tuple[str, ...] = 0,
        work_report: bool = False,
        code: str | None = None,
        status: MeetingStatus | None = None,
        seats: SeatPlan | None = None,
        elected_by: str | None = None,
    ) -> Meeting:
        """Record a meeting; ``elected_by``: every delegate was elected by that unit
        (CON-6), a fortnight before the meeting opened."""
        if isinstance(delegates, int):
            delegates = tuple(self.person() for _ in range(delegates))
        provenance = (
            tuple(
                DelegateProvenance(
                    p, elected_by, opened - timedelta(days=14), 300, 290, 200
                )
                for p in sorted(set(delegates))
            )
            if elected_by is not None
            else ()
        )
        self._seq += 1
        m = Meeting(
            code=code or f"M{self._seq}",
            organisation=org,
            kind=kind,
            opened=opened,
            delegates=delegates,
            work_report=work_report,
            status=status,
            seats=seats,
            provenance=provenance,
        )
        self.meetings.append(m)
        return m

    def review(
        self,
        reviewer: str,
        reviewed: str,
        held: date,
        published: bool = True,
        **fields: Any,
    ) -> None:
        """Record a review; by default a complete one (TRN-3: report and opinions
        heard, assessment published)."""
        fields.setdefault("opinions_heard", True)
        self.reviews.append(Review(reviewer, reviewed, held, published, **fields))

    def guide(self, org: str, kind: GuidanceKind, held: date) -> None:
        """Record a report heard by the Party committee or the League's guidance."""
        by = "校党委" if kind == GuidanceKind.PARTY_HEARING else "校团委"
        self.guidance.append(Guidance(org, kind, held, by, "听取汇报，提出指导要求"))

    def evaluate(
        self,
        org: str,
        end: date = date(2024, 1, 15),
        *,
        code: str | None = None,
        days: int = 130,
        **kw: Any,
    ) -> EvaluationPeriod:
        """Record an evaluation of ``org``'s cadres ending on ``end`` (CAD-3); by
        default a complete one: the five dimensions, 12 cadres rated, 40 of the 50
        raters on the list took part, results published."""
        kw.setdefault("dimensions", DIMENSIONS)
        kw.setdefault("cadres", 12)
        kw.setdefault("participants", 40)
        kw.setdefault("eligible", 50)
        kw.setdefault("published", True)
        period = EvaluationPeriod(
            org,
            code or f"EV-{org}-{end.isoformat()}",
            end - timedelta(days=days),
            end,
            **kw,
        )
        self.evaluations.append(period)
        return period

    def justify(self, org: str, rule: str) -> None:
        self.justifications.append(
            Justification(
                org, rule, "Approved by the League committee", "League", AS_OF
            )
        )

    def build(self) -> Registry:
        return Registry(
            organisations=tuple(self.organisations.values()),
            people=tuple(self.people.values()),
            positions=tuple(self.positions),
            meetings=tuple(self.meetings),
            reviews=tuple(self.reviews),
            justifications=tuple(self.justifications),
            default_profile=self.default_profile,
            written_reports=tuple(self.written_reports),
            standing_conferences=tuple(self.standing_conferences),
            elections=tuple(self.elections),
            guidance=tuple(self.guidance),
            evaluations=tuple(self.evaluations),
        )


def compliant(profile: str = "gansu-2017") -> Builder:
    """Return a builder of one compliant university "S" with school union "U".

    U: 1 president (responsible for clubs, heads the club federation "CF"), 4
    vice-presidents, a League-cadre secretary-general, a rights department "U-R" and an
    office "U-O" (head and 2 deputies each); a congress 20 months before AS_OF with 185
    delegates (1 of them core, each elected by D: CON-6), a standing conference with a
    work report each year since, and a department union "D" (300 students) reviewed
    last year (2023, the year the yearly rules judge on AS_OF) and this year, with a
    congress.
    """
    b = Builder(default_profile=profile)
    b.school("S")
    u = b.org("U", OrgKind.SCHOOL_UNION, "S", students_served=STUDENTS, name="Union U")
    pres = b.post(u, Role.PRESIDENT, responsible_for_clubs=True)
    b.posts(u, Role.VICE_PRESIDENT, 4)
    b.post(u, Role.SECRETARY_GENERAL, b.person("sg", PersonKind.LEAGUE_CADRE))
    for code, fn in (
        ("U-R", DepartmentFunction.RIGHTS),
        ("U-O", DepartmentFunction.OTHER),
    ):
        b.dept(code, u, fn)
        b.post(code, Role.DEPARTMENT_HEAD)
        b.posts(code, Role.DEPARTMENT_DEPUTY, 2)
    b.org("CF", OrgKind.CLUB_FEDERATION, "S")
    b.post("CF", Role.PRESIDENT, pres, title="社联主席")
    congress = AS_OF - timedelta(days=610)  # 2022-10-29, about 20 months before
    delegates = (pres, *(b.person() for _ in range(184)))
    b.meeting(
        u,
        MeetingKind.CONGRESS,
        congress,
        delegates=delegates,
        work_report=True,
        code="C",
        # CON-4: seats by department and grade (the builder records no grades)
        seats=SeatPlan(by_grade=True, departments=("D",)),
        elected_by="D",  # CON-6: every delegate elected by the department union
    )
    # The congress elected the presidium (ELE-1): each holder records the election.
    b.elect(u, Role.PRESIDENT, "C")
    b.elect(u, Role.VICE_PRESIDENT, "C")
    b.meeting(u, MeetingKind.STANDING_CONFERENCE, date(2023, 11, 20), work_report=True)
    b.meeting(u, MeetingKind.CONGRESS, date(2020, 10, 1), delegates=185)
    b.meeting(u, MeetingKind.STANDING_CONFERENCE, date(2021, 11, 1))
    b.org("D", OrgKind.DEPARTMENT_UNION, u, students_served=300)
    b.meeting("D", MeetingKind.CONGRESS, date(2024, 3, 1), delegates=3)
    b.review(u, "D", date(2023, 12, 5))  # the year TRN-3 judges on AS_OF: 2023
    b.review(u, "D", date(2024, 1, 10))
    # GOV-1, GOV-2: the Party committee heard the union and the League guided it
    # within the 12 months before AS_OF.
    b.guide(u, GuidanceKind.PARTY_HEARING, date(2024, 3, 12))
    b.guide(u, GuidanceKind.LEAGUE_GUIDANCE, date(2024, 4, 9))
    # CAD-3: U and D evaluated their cadres in the semester that ended on 2024-01-15.
    b.evaluate(u)
    b.evaluate("D")
    return b


def findings(
    source: Builder | Registry,
    requirement: str | None = None,
    *,
    as_of: date = AS_OF,
    profile: Any = None,
) -> list[Finding]:
    """Return the findings of a full audit (of one requirement, when given)."""
    reg = source.build() if isinstance(source, Builder) else source
    report = audit(reg, as_of=as_of, profile=profile)
    return [
        f
        for f in report.findings
        if requirement is None or f.requirement == requirement
    ]


def rules(
    source: Builder | Registry, requirement: str | None = None, **kw: Any
) -> list[str]:
    """Return the sorted rule ids (with slug) of the findings, one per finding."""
    return sorted(f.rule for f in findings(source, requirement, **kw))


def only(source: Builder | Registry, requirement: str, **kw: Any) -> Finding:
    """Return the single finding for ``requirement``; fail if there are none or several."""
    found = findings(source, requirement, **kw)
    assert len(found) == 1, [f.rule for f in found]
    return found[0]


def province(schools: int) -> Registry:
    """Return a province of ``schools`` copies of the compliant university (~60 orgs each).

    Each copy has 20 department unions with 2 functional departments and a congress each,
    and 5 secondary schools per 20 universities; used to check that rules stay linear.
    """
    base = compliant()
    base.meetings = [
        replace(m, seats=SeatPlan(True, ("D", *(f"D{d}" for d in range(20)))))
        if m.code == "C"
        else m
        for m in base.meetings
    ]
    for d in range(20):
        code = f"D{d}"
        base.org(code, OrgKind.DEPARTMENT_UNION, "U", students_served=600)
        base.meeting(code, MeetingKind.CONGRESS, date(2024, 3, 1), delegates=6)
        base.review("U", code, date(2023, 12, 5))  # the year judged on AS_OF
        base.evaluate(code)  # CAD-3
        for k in range(2):
            base.dept(f"{code}-F{k}", code)
            base.post(f"{code}-F{k}", Role.DEPARTMENT_HEAD)
    template = base.build()
    b = Builder()
    b.org("P", OrgKind.PROVINCIAL_FEDERATION)
    for i in range(schools):
        pre = f"s{i}."

        def c(code: str | None, pre: str = pre) -> str | None:
            return None if code is None else pre + code

        for o in template.organisations:
            parent = "P" if o.parent is None else c(o.parent)
            b.organisations[pre + o.code] = replace(o, code=pre + o.code, parent=parent)
        for p in template.people:
            b.people[pre + p.id] = replace(p, id=pre + p.id)
        b.positions += [
            replace(
                p,
                organisation=pre + p.organisation,
                person=pre + p.person,
                election=c(p.election),
            )
            for p in template.positions
        ]
        b.elections += [
            replace(
                e,
                organisation=pre + e.organisation,
                code=pre + e.code,
                meeting=c(e.meeting),
            )
            for e in template.elections
        ]
        b.meetings += [
            replace(
                m,
                code=pre + m.code,
                organisation=pre + m.organisation,
                delegates=tuple(pre + d for d in m.delegates),
                provenance=tuple(
                    replace(
                        e, person=pre + e.person, electing_unit=pre + e.electing_unit
                    )
                    for e in m.provenance
                ),
                seats=None
                if m.seats is None
                else replace(
                    m.seats,
                    departments=tuple(pre + d for d in m.seats.departments),
                    clubs=tuple(pre + k for k in m.seats.clubs),
                ),
            )
            for m in template.meetings
        ]
        b.reviews += [
            replace(r, reviewer=pre + r.reviewer, reviewed=pre + r.reviewed)
            for r in template.reviews
        ]
        b.guidance += [
            replace(g, organisation=pre + g.organisation) for g in template.guidance
        ]
        b.evaluations += [
            replace(e, organisation=pre + e.organisation, code=pre + e.code)
            for e in template.evaluations
        ]
        if i % 4 == 0:
            m = b.school(
                f"m{i}",
                school_type=SchoolType.MIDDLE_SCHOOL,
                students=900,
                parent="P",
                county=f"K{i}",
            )
            b.org(f"m{i}.U", OrgKind.SCHOOL_UNION, m, students_served=900)
            b.meeting(f"m{i}.U", MeetingKind.CONGRESS, date(2023, 9, 1), delegates=9)
            for kind in GuidanceKind:
                b.guide(f"m{i}.U", kind, date(2024, 3, 1))
    # the federation's congress (CON-14), a president of every school as delegate (CON-12)
    delegates = [p.person for p in b.positions if p.role == Role.PRESIDENT]
    for m in (o for o in b.organisations if o.startswith("m") and o.endswith(".U")):
        delegates.append(f"{m}.delegate")
        b.people[delegates[-1]] = Person(
            id=delegates[-1], name="Delegate", department=m
        )
    b.meeting("P", MeetingKind.CONGRESS, date(2021, 3, 1), delegates=tuple(delegates))
    # the federation's presidium: a member of each school type of its area (FED-1)
    b.post("P", Role.PRESIDENT, delegates[0])
    if schools > 0:
        b.post("P", Role.VICE_PRESIDENT, delegates[-1])
    return b.build()
